import { NotPermittedError } from './errors.js'

/**
 * Writer roles of the Synome-MVP (seed 004 "Write Access Matrix", reference synome-mvp-reqs
 * "Beacons and Access"). nfat = lpha-nfat, attest = lpha-attest, council = lpha-council,
 * operator = GovOps people with the emergency override, lcts = lpha-lcts (records LCTS
 * settlements; unscoped: srUSDS belongs to no Halo class), amm = lpha-amm (reports Trading Halo
 * pools and raises their alerts; scoped to the pool's class), allocator = a Prime's allocator
 * (records its decisions; unscoped: a Prime's record is bound to the first key that wrote it).
 * Readers need no role.
 */
export const ROLES = ['nfat', 'attest', 'council', 'operator', 'lcts', 'amm', 'allocator'] as const
export type Role = (typeof ROLES)[number]

/** Roles whose grant names the Halo classes it covers; council is global. */
export const SCOPED_ROLES: readonly Role[] = ['nfat', 'attest', 'operator', 'amm']

/** Every Halo class (for a devnet or a single-Halo deployment). */
export const ALL_HALO_CLASSES = '*'

/** One grant: `address` holds `role` for these Halo classes ("*" = all; ignored for council). */
export type RoleGrant = {
  address: string
  role: Role
  haloClasses: readonly string[]
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** Does this grant cover `haloClass`? Council and unscoped operations (haloClass undefined) need no scope. */
export function grantCovers(grant: RoleGrant, haloClass: string | undefined): boolean {
  if (!SCOPED_ROLES.includes(grant.role) || haloClass === undefined) return true
  return grant.haloClasses.includes(ALL_HALO_CLASSES) || grant.haloClasses.includes(haloClass)
}

export type CheckRoleParameters = {
  /** Grants of the signer (any roles). */
  grants: readonly RoleGrant[]
  required: Role
  /** Halo class the command acts in, when the role is scoped. */
  haloClass?: string | undefined
  operation: string
}

/** The signer's grant for this operation, or a NotPermittedError saying what was missing. */
export function checkRole({ grants, required, haloClass, operation }: CheckRoleParameters): RoleGrant | NotPermittedError {
  const grant = grants.find((g) => g.role === required && grantCovers(g, haloClass))
  if (grant) return grant
  const held = grants.map((g) => g.role)
  return new NotPermittedError(`${operation} needs role ${required}${haloClass !== undefined && SCOPED_ROLES.includes(required) ? ` for Halo class ${haloClass}` : ''}`, {
    details: held.length ? `signer holds: ${held.join(', ')}` : 'signer holds no role',
    meta: { operation, required, haloClass, held },
  })
}
