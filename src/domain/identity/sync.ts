import { getAddress, isAddress, type Address, type Hex } from 'viem'
import { InvalidInputError } from '../errors.js'

/**
 * Identity Network Halo membership (reference `halo-agents/identity-network.md`): what one
 * verified entity's record says, whether it admits its addresses at `now`, and the batched
 * registry changes that bring the chain to that state. Pure; lpha-identity applies the plan,
 * the registry's no-op replays make a re-sent batch harmless.
 */
export type IdentityEntity = {
  /** Synome entity id as the registry's bytes32 (no personal data). */
  entityId: Hex
  attestationType: string
  level: number
  /** Seconds. */
  issuedAt: bigint
  expiresAt: bigint
  /** ISO 3166-1 alpha-2. */
  jurisdiction: string
  addresses: readonly Address[]
  revoked: boolean
}

export const IDENTITY_MAX_BATCH = 200

/** An entity admits its addresses from issue until expiry (exclusive), unless revoked. */
export function isEntityActive(e: IdentityEntity, now: bigint): boolean {
  return !e.revoked && e.issuedAt <= now && now < e.expiresAt
}

export type IdentityBatch = { kind: 'add'; entityId: Hex; accounts: Address[] } | { kind: 'remove'; accounts: Address[] }

/**
 * The registry changes that make `onChain` (address → entityId) equal the active entities at
 * `now`: removals first (an expired or revoked entity loses every address in this one plan),
 * then additions, each in batches of at most `maxBatch`. An address claimed by two active
 * entities is refused: one address belongs to one verified entity.
 */
export function planIdentitySync(
  entities: readonly IdentityEntity[],
  onChain: ReadonlyMap<Address, Hex>,
  now: bigint,
  maxBatch = IDENTITY_MAX_BATCH,
): IdentityBatch[] {
  if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > IDENTITY_MAX_BATCH) throw new InvalidInputError(`maxBatch must be in [1, ${IDENTITY_MAX_BATCH}]`)
  const desired = new Map<Address, Hex>()
  for (const e of entities) {
    if (!isEntityActive(e, now)) continue
    for (const raw of e.addresses) {
      if (!isAddress(raw)) throw new InvalidInputError('not an address', { details: raw })
      const account = getAddress(raw)
      const other = desired.get(account)
      if (other !== undefined && other !== e.entityId) throw new InvalidInputError('one address is linked to two active entities', { meta: { account, entities: [other, e.entityId] } })
      desired.set(account, e.entityId)
    }
  }
  const removals: Address[] = []
  const moved = new Map<Hex, Address[]>()
  for (const [raw, entityId] of onChain) {
    const account = getAddress(raw)
    const want = desired.get(account)
    if (want === undefined) removals.push(account)
    else if (want !== entityId) moved.set(want, [...(moved.get(want) ?? []), account])
  }
  const additions = new Map<Hex, Address[]>(moved)
  for (const [account, entityId] of desired) {
    if (onChain.has(account)) continue
    additions.set(entityId, [...(additions.get(entityId) ?? []), account])
  }
  const batches: IdentityBatch[] = []
  const sorted = (xs: Address[]) => [...xs].sort()
  for (const chunk of chunks(sorted(removals), maxBatch)) batches.push({ kind: 'remove', accounts: chunk })
  for (const entityId of [...additions.keys()].sort()) {
    for (const chunk of chunks(sorted(additions.get(entityId)!), maxBatch)) batches.push({ kind: 'add', entityId, accounts: chunk })
  }
  return batches
}

/** Applies a plan to an address → entity map (the registry's semantics, for tests and dry runs). */
export function applyIdentityBatches(onChain: ReadonlyMap<Address, Hex>, batches: readonly IdentityBatch[]): Map<Address, Hex> {
  const next = new Map(onChain)
  for (const b of batches) {
    if (b.kind === 'remove') for (const a of b.accounts) next.delete(a)
    else for (const a of b.accounts) next.set(a, b.entityId)
  }
  return next
}

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size))
  return out
}
