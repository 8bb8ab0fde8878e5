import { z } from 'zod'
import { InvalidInputError } from '../domain/errors.js'
import { parseUnitsExact } from '../domain/money.js'
import { distributionTier } from '../domain/agents/distribution.js'
import { DURATION_BUCKET_COUNT } from '../domain/agents/parameters.js'
import { SKY_CORE } from './lines.js'

/**
 * The settlement snapshot: everything one monthly settlement needs, as plain JSON. Every
 * amount and price is an exact decimal string with at most 18 decimals (USDS and agent tokens
 * both use 18); parsing turns them into bigint base units. See docs/agents.md for the format
 * and examples/settlement/snapshot.json for a worked file.
 */
const AMOUNT_PATTERN = /^(0|[1-9]\d*)(\.\d{1,18})?$/
export const SETTLEMENT_DECIMALS = 18

export const amount = z
  .string({ error: 'expected a decimal string such as "1000000" or "0.5"' })
  .regex(AMOUNT_PATTERN, 'expected a non-negative decimal string with at most 18 decimals')
  .transform((value) => parseUnitsExact(value, SETTLEMENT_DECIMALS))

const agentId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected an agent id (lowercase letters, digits, dashes)')
const day = z.number().int().min(1).max(31)
const bucket = z.number().int().min(0).max(DURATION_BUCKET_COUNT - 1)

const issuance = z.object({ day, amount, purpose: z.string().min(1) }).strict()

const token = z
  .object({
    symbol: z.string().min(1),
    /** Total supply at the start of the period; issuances add to it from their day on. */
    openingSupply: amount,
    issuances: z.array(issuance).max(1_000).default([]),
    /** Conservative quotes, USD per whole token: bid values holdings, ask values own supply. */
    bidPrice: amount,
    askPrice: amount,
  })
  .strict()
  .refine((value) => value.bidPrice <= value.askPrice, { message: 'bidPrice must not exceed askPrice', path: ['bidPrice'] })

const tier = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
const criteria = z
  .object({
    excluded: z.boolean().default(false),
    tagged: z.boolean(),
    autoTagged: z.boolean().default(false),
    directHolding: z.boolean(),
    skyBranding: z.boolean(),
    nameUsesUsds: z.boolean(),
    subscribeRedeemInUsds: z.boolean(),
    susdsBackingBps: z.number().int().min(0).max(10_000).transform(BigInt),
  })
  .strict()
/** Either a tier the snapshot's author already decided, or the criteria, classified by the seed's rules. */
const taggedBalance = z.union([
  z.object({ tier, averageBalance: amount }).strict().transform((entry) => ({ ...entry, criteria: undefined })),
  z.object({ label: z.string().max(200).optional(), criteria, averageBalance: amount }).strict().transform((entry) => ({ ...entry, tier: distributionTier(entry.criteria) })),
])

const agent = z
  .object({
    id: agentId,
    name: z.string().min(1),
    type: z.enum(['coreCouncil', 'guardian', 'coreControlled', 'recovery', 'prime', 'generator', 'halo', 'folio']),
    token: token.optional(),
    /** Other agents' tokens held (period average). */
    holdings: z.array(z.object({ agent: agentId, amount }).strict()).max(1_000).default([]),
    /** Tagged USDS/sUSDS (period-average balances), by tier or by the facts that decide the tier. */
    taggedBalances: z.array(taggedBalance).max(100).default([]),
    /** SKY staked through this Prime's governance frontend, and whether it is compliant. */
    governanceFrontend: z.object({ skyStaked: amount, eligible: z.boolean() }).strict().optional(),
    /** Treasury amount (in the agent's own token) distributed to stakers this period. */
    stakingRewards: amount.optional(),
    buyback: z.object({ spend: amount, price: amount, destination: z.enum(['burn', 'stakers']) }).strict().optional(),
  })
  .strict()

const durationBucket = z
  .object({
    bucket,
    total: amount,
    /** USDS not yet reserved by earlier reservations (defaults to total). */
    available: amount.optional(),
    /** USDS in the bucket tagged by each Prime. */
    tagged: z.record(agentId, amount).default({}),
  })
  .strict()

const reservation = z.object({ prime: agentId, target: bucket, amount, fee: amount }).strict()

const integration = z.object({ contract: z.string().min(1), prime: agentId.optional(), averageBalance: amount, approved: z.boolean() }).strict()

const pioneerChain = z
  .object({
    chain: z.string().min(1),
    pioneer: agentId,
    bridgedUsds: amount,
    inSusds: amount,
    integrationBoosted: amount,
    agentHoldings: amount,
    supply: z.array(z.object({ star: agentId, supply: amount, taggedDemand: amount, ascAverageDailyVolume: amount, exempt: z.boolean().default(false) }).strict()).max(100).default([]),
  })
  .strict()

export const riskCapitalSchema = z
  .object({
    ijrc: amount,
    ejrc: amount,
    /** "unlimited" when the token can be diluted without bound. */
    agentTokenInflation: z.union([amount, z.literal('unlimited').transform(() => null)]),
    tisrc: amount,
    globalSrc: amount,
    skyInflation: z.union([amount, z.literal('unlimited').transform(() => null)]),
    genesisCapital: amount,
  })
  .strict()

const snapshotShape = z
  .object({
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month such as "2026-03"'),
    /** Sky Savings Rate for the period, as an annual fraction ("0.045" = 4.5%). */
    ssr: amount,
    /** Sky's net revenue for the period (USDS). */
    skyNetRevenue: amount,
    agents: z.array(agent).min(1).max(1_000),
    durationBuckets: z.array(durationBucket).max(DURATION_BUCKET_COUNT).default([]),
    reservations: z.array(reservation).max(1_000).default([]),
    integrations: z.array(integration).max(1_000).default([]),
    pioneerChains: z.array(pioneerChain).max(100).default([]),
    losses: z.array(z.object({ prime: agentId, amount, capital: riskCapitalSchema }).strict()).max(100).default([]),
  })
  .strict()

export const snapshotSchema = snapshotShape.superRefine(checkReferences)
export type Snapshot = z.output<typeof snapshotShape>
export type SnapshotAgent = Snapshot['agents'][number]

/** Cross-field rules zod's shapes cannot express: unique ids, references, bucket sums, issuance days. */
function checkReferences(s: Snapshot, ctx: z.RefinementCtx): void {
  const ids = new Set<string>()
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  const days = daysInPeriod(s.period)
  s.agents.forEach((a, index) => {
    if (ids.has(a.id)) issue(['agents', index, 'id'], `duplicate agent id ${a.id}`)
    if (a.id === SKY_CORE) issue(['agents', index, 'id'], `${SKY_CORE} is reserved for Sky Core`)
    ids.add(a.id)
    a.token?.issuances.forEach((i, k) => { if (i.day > days) issue(['agents', index, 'token', 'issuances', k, 'day'], `${s.period} has ${days} days`) })
  })
  const mustExist = (id: string, path: (string | number)[]) => { if (!ids.has(id)) issue(path, `unknown agent ${id}`) }
  s.agents.forEach((a, index) => {
    a.holdings.forEach((h, k) => {
      mustExist(h.agent, ['agents', index, 'holdings', k, 'agent'])
      if (h.agent === a.id) issue(['agents', index, 'holdings', k, 'agent'], 'an agent’s own tokens do not earn a rebate')
      const held = s.agents.find((other) => other.id === h.agent)
      if (held && !held.token) issue(['agents', index, 'holdings', k, 'agent'], `${h.agent} has no token`)
    })
    if ((a.stakingRewards !== undefined || a.buyback) && !a.token) issue(['agents', index, 'token'], 'staking rewards and buybacks need an agent token')
  })
  const seenBuckets = new Set<number>()
  s.durationBuckets.forEach((b, index) => {
    if (seenBuckets.has(b.bucket)) issue(['durationBuckets', index, 'bucket'], `duplicate bucket ${b.bucket}`)
    seenBuckets.add(b.bucket)
    let tagged = 0n
    for (const [prime, value] of Object.entries(b.tagged)) { mustExist(prime, ['durationBuckets', index, 'tagged', prime]); tagged += value }
    if (tagged > b.total) issue(['durationBuckets', index, 'tagged'], 'tagged USDS exceeds the bucket total')
    if (b.available !== undefined && b.available > b.total) issue(['durationBuckets', index, 'available'], 'available USDS exceeds the bucket total')
  })
  s.reservations.forEach((r, index) => mustExist(r.prime, ['reservations', index, 'prime']))
  s.integrations.forEach((i, index) => { if (i.prime) mustExist(i.prime, ['integrations', index, 'prime']) })
  s.pioneerChains.forEach((c, index) => {
    mustExist(c.pioneer, ['pioneerChains', index, 'pioneer'])
    c.supply.forEach((entry, k) => mustExist(entry.star, ['pioneerChains', index, 'supply', k, 'star']))
  })
  s.losses.forEach((l, index) => mustExist(l.prime, ['losses', index, 'prime']))
}

/** Days in a "YYYY-MM" period (calendar arithmetic only; no clock). */
export function daysInPeriod(period: string): number {
  const [year, month] = period.split('-').map(Number)
  return new Date(Date.UTC(year ?? 1970, month ?? 1, 0)).getUTCDate()
}

/** Format zod issues as "path: message" lines; the first path names the field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): { field: string; lines: string[] } {
  const lines = issues.slice(0, 20).map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
  return { field: formatPath(issues[0]?.path ?? []), lines }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '') || '(root)'
}

/** Parse and validate a snapshot; a bad one raises InvalidInputError naming the field. */
export function parseSnapshot(input: unknown): Snapshot {
  const result = snapshotSchema.safeParse(input)
  if (result.success) return result.data
  const { field, lines } = describeIssues(result.error.issues)
  throw new InvalidInputError(`snapshot field ${field} is invalid`, { details: lines.join('\n  '), meta: { field, issues: lines } })
}
