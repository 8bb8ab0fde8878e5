import { z } from 'zod'
import { InvalidInputError } from '../errors.js'

/**
 * A Core Halo entry as lpha-council registers it (reference core-halos-and-cleanup.md): a static
 * position whose live value lpla-verify fetches itself, as the data model says.
 */
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an address is 0x + 40 hex digits')
const rate = z.string().regex(/^(0|1)(\.\d{1,18})?$/, 'a rate is a decimal string between "0" and "1"')

export const DataModelSchema = z.discriminatedUnion('kind', [
  /** Value of `holder`'s shares in an ERC-4626 vault: convertToAssets(balanceOf(holder)). */
  z.strictObject({ kind: z.literal('erc4626-position'), chainId: z.number().int().positive().optional(), vault: address, holder: address, decimals: z.number().int().min(0).max(36).optional() }),
  /** Any view function returning one uint, read with viem `readContract`, scaled by `decimals`. */
  z.strictObject({
    kind: z.literal('contract-read'),
    chainId: z.number().int().positive().optional(),
    address,
    /** Human-readable ABI item, e.g. "function totalAssets() view returns (uint256)". */
    function: z.string().startsWith('function '),
    args: z.array(z.union([z.string(), z.number(), z.boolean()])).max(8).default([]),
    decimals: z.number().int().min(0).max(36),
  }),
  /** An HTTP JSON API; `jsonPath` ("$.data.nav", "data.positions[0].value") picks a USD amount. */
  z.strictObject({ kind: z.literal('http-json'), url: z.url({ protocol: /^https?$/ }), jsonPath: z.string().min(1).max(200), timeoutMs: z.number().int().positive().max(60_000).default(10_000) }),
])

export const CoreHaloSchema = z.strictObject({
  coreHaloId: z.string().min(1).max(128),
  /** The Prime holding the position: its address, so it adds up with its units' depositor. */
  parentPrime: z.string().min(1),
  collateralType: z.string().min(1),
  description: z.string().default(''),
  addresses: z.array(address).default([]),
  /** Key of `capitalFormula.riskModels` in the risk framework. */
  riskModelRef: z.string().min(1),
  dataModel: DataModelSchema,
  staticParameters: z
    .strictObject({
      /** Council's floor on the capital rate for this position. */
      haircut: rate.optional(),
      /** Overrides the model's category (classification) for caps. */
      category: z.string().min(1).optional(),
    })
    .default({}),
})

export type CoreHaloDocument = z.input<typeof CoreHaloSchema>
export type CoreHalo = z.output<typeof CoreHaloSchema>
export type DataModel = z.output<typeof DataModelSchema>

export function parseCoreHalo(document: unknown): CoreHalo {
  const parsed = CoreHaloSchema.safeParse(document)
  if (parsed.success) return parsed.data
  throw new InvalidInputError('Core Halo entry is invalid', { details: z.prettifyError(parsed.error), meta: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } })
}
