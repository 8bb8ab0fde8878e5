/**
 * Halo and Unit Artifacts (seed 000 "Governance Artifacts"): markdown rendered from the
 * factory's metadata (or its predictions, before deployment) and what the Synome holds. The
 * rendering is deterministic, so its keccak256 can be computed before deploying and passed as
 * the deployment's `artifactHash`; `halo day0` re-renders or reads the artifact and compares.
 * Sections the Halo itself must write (recourse, migration; legal recourse for a unit) are
 * rendered with the TO_BE_COMPLETED marker unless given, and Day-0 refuses an artifact that
 * still carries it.
 */
import { keccak256, stringToBytes } from 'viem'
import { LIMIT, rateLimitKey } from '../domain/rateLimits.js'
import { formatUnitsExact } from '../domain/money.js'
import { AMM_ALERT_CODES, poolRateLimitKeys, type AmmAlertCode } from '../domain/trading/index.js'

export const TO_BE_COMPLETED = '_To be completed by the Halo._'

export type HaloArtifactInput = {
  templateName: string
  templateVersion: number
  chainId: number
  factory: string
  pau: string
  controller: string
  rateLimits: string
  timelock: string
  configurator: string
  govOps: string
  beaconOperator: string
  freezer: string
  swapRateLimit: bigint
  timelockDelaySeconds: bigint
  /** Written by the Halo; TO_BE_COMPLETED when absent. */
  recourse?: string | undefined
  migration?: string | undefined
}

export type UnitArtifactInput = {
  templateName: string
  templateVersion: number
  chainId: number
  unit: string
  pau: string
  beaconOperator: string
  freezer: string
  govOps: string
  capacity: bigint
  seniority: bigint
  yieldBps: bigint
  termSeconds: bigint
  buyboxMinTicket: bigint
  buyboxMaxTicket: bigint
  firstTokenId: bigint
  name: string
  symbol: string
  legalRecourse?: string | undefined
  migration?: string | undefined
}

/** Headings every artifact must carry with a non-empty body (Day-0 completeness). */
export const HALO_ARTIFACT_SECTIONS = ['Addresses', 'Parameters', 'Rate limits', 'Oracle and NAV sources', 'Beacon configuration', 'Warning signals', 'Recourse', 'Migration'] as const
export const UNIT_ARTIFACT_SECTIONS = ['Addresses', 'Parameters', 'Rate limits', 'Oracle and NAV sources', 'Beacon configuration', 'Warning signals', 'Legal recourse', 'Migration'] as const

const usds = (amount: bigint) => `${formatUnitsExact(amount, 18)} USDS`
const lines = (rows: Array<[string, string]>) => rows.map(([k, v]) => `- ${k}: ${v}`).join('\n')
const section = (title: string, body: string) => `## ${title}\n\n${body.trim() === '' ? TO_BE_COMPLETED : body.trim()}\n`

export function renderHaloArtifact(a: HaloArtifactInput): string {
  const slope = a.swapRateLimit / 86_400n
  return [
    `# Halo Artifact: Term Halo Class ${a.pau.toLowerCase()}`,
    '',
    `Template ${a.templateName} v${a.templateVersion}, chain ${a.chainId}, deployed by the Halo Factory ${a.factory.toLowerCase()}.`,
    '',
    section('Addresses', lines([['PAU (ALMProxy)', a.pau], ['Controller', a.controller], ['RateLimits', a.rateLimits], ['BEAMTimeLock', a.timelock], ['Configurator', a.configurator]].map(([k, v]) => [k!, v!.toLowerCase()]))),
    section('Parameters', lines([['timelock delay', `${a.timelockDelaySeconds} s`], ['PSM swap init (each direction)', `${usds(a.swapRateLimit)} max, ${usds(slope)}/s`]])),
    section('Rate limits', lines([[`LIMIT_USDS_TO_USDC ${LIMIT.USDS_TO_USDC}`, `init ${usds(a.swapRateLimit)}`], [`LIMIT_USDC_TO_USDS ${LIMIT.USDC_TO_USDS}`, `init ${usds(a.swapRateLimit)}`], ['every other key', 'none until governance adds an init; GovOps raises within SORL']])),
    section('Oracle and NAV sources', 'Class NAV is the sum of its units: each NFAT Facility reports outstanding principal on chain (`unitOf`), and each sleeve\'s deployed assets are attested by lpha-attest into the Synome.'),
    section('Beacon configuration', lines([['lpha-nfat pBEAM (relayer, claimer)', a.beaconOperator.toLowerCase()], ['freezer', a.freezer.toLowerCase()], ['GovOps (cBEAM)', a.govOps.toLowerCase()]])),
    section('Warning signals', ['- a claim or off-ramp limit exhausted before its sleeve deploys', '- funding later than the term (penalty interest accrues)', '- an attestation missing or revoked for a deployed sleeve', '- the Configurator brake (`stop`) applied to this PAU'].join('\n')),
    section('Recourse', a.recourse ?? ''),
    section('Migration', a.migration ?? ''),
  ].join('\n')
}

export function renderUnitArtifact(a: UnitArtifactInput): string {
  const slope = a.capacity / 86_400n
  const unit = a.unit.toLowerCase()
  return [
    `# Unit Artifact: ${a.name} (${a.symbol}) ${unit}`,
    '',
    `Template ${a.templateName} v${a.templateVersion}, chain ${a.chainId}, Halo Class ${a.pau.toLowerCase()}.`,
    '',
    section('Addresses', lines([['NFAT Facility', unit], ['Halo Class PAU (ALMProxy)', a.pau.toLowerCase()]])),
    section('Parameters', lines([
      ['capacity', usds(a.capacity)],
      ['seniority', String(a.seniority)],
      ['yield', `${a.yieldBps} bps per year`],
      ['term', `${a.termSeconds} s`],
      ['buybox tickets', `${usds(a.buyboxMinTicket)} to ${usds(a.buyboxMaxTicket)}`],
      ['first tokenId', String(a.firstTokenId)],
    ])),
    section('Rate limits', lines([
      [`LIMIT_NFAT_CLAIM ${rateLimitKey(LIMIT.NFAT_CLAIM, a.unit as `0x${string}`)}`, `init ${usds(a.capacity)} max, ${usds(slope)}/s`],
      [`LIMIT_REDEEM_FUND_PRINCIPAL ${rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, a.unit as `0x${string}`)}`, `init ${usds(a.capacity)} max`],
      [`LIMIT_REDEEM_FUND_INTEREST ${rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, a.unit as `0x${string}`)}`, `init ${usds(a.capacity)} max`],
    ])),
    section('Oracle and NAV sources', 'NAV per NFAT is its outstanding principal (`unitOf`) plus funding waiting for its holder (`fundingOf`); the sleeve\'s deployed assets are attested by lpha-attest.'),
    section('Beacon configuration', lines([['lpha-nfat pBEAM (claimer)', a.beaconOperator.toLowerCase()], ['freezer (pause, remove claimer)', a.freezer.toLowerCase()], ['write-down key (GovOps)', a.govOps.toLowerCase()]])),
    section('Warning signals', ['- claim capacity exhausted with Primes still queued', '- a funding short of principal at term (write-down procedure)', '- the facility paused by the freezer'].join('\n')),
    section('Legal recourse', a.legalRecourse ?? ''),
    section('Migration', a.migration ?? ''),
  ].join('\n')
}

export function artifactHash(markdown: string): `0x${string}` {
  return keccak256(stringToBytes(markdown))
}

/** Required sections that are missing, empty or still marked to be completed. */
export function missingArtifactSections(markdown: string, sections: readonly string[]): string[] {
  const missing: string[] = []
  const parts = markdown.split(/^## /m).slice(1)
  for (const title of sections) {
    const part = parts.find((p) => p.split('\n', 1)[0]!.trim() === title)
    const body = part?.split('\n').slice(1).join('\n').trim() ?? ''
    if (body === '' || body.includes(TO_BE_COMPLETED)) missing.push(title)
  }
  return missing
}

// ---------------------------------------------------------------- Portfolio (LCTS)

/** A Portfolio unit's warning signals as the Synome records them (portfolioBook units[].warningSignals). */
export type PortfolioWarningSignals = {
  navDrop?: { maxDropBps: number } | undefined
  navReport?: { maxAgeSeconds: number } | undefined
  redemption?: { maxDelaySeconds: number } | undefined
}

export type PortfolioHaloArtifactInput = HaloArtifactInput & {
  /** The class's PortfolioHaloClass (settles every unit, keeps the books). */
  haloClass: string
  /** Where the asset manager takes USDS. */
  managerEndpoint: string
  usds: string
}

export type PortfolioUnitArtifactInput = {
  templateName: string
  templateVersion: number
  chainId: number
  /** The unit's PortfolioUnitToken: the unit's id (the Synome's unitId). */
  token: string
  subscribeQueue: string
  redeemQueue: string
  pau: string
  controller: string
  haloClass: string
  managerEndpoint: string
  usds: string
  beaconOperator: string
  freezer: string
  govOps: string
  /** The class's standard inits (swap and transfer keys), max per day. */
  swapRateLimit: bigint
  /** Maximum NAV (lpha-lcts's subscription capacity). */
  capacity: bigint
  rank: number
  /** The book's most junior rank: takes the residual yield. */
  residual: boolean
  yieldBps: bigint
  dustThreshold: bigint
  accrualSeconds: bigint
  name: string
  symbol: string
  /** As recorded in the Synome; absent or empty: the section is to be completed. */
  warningSignals?: PortfolioWarningSignals | undefined
  legalRecourse?: string | undefined
  migration?: string | undefined
}

const transferKey = (usdsAddress: string, to: string) => rateLimitKey(LIMIT.ASSET_TRANSFER, usdsAddress as `0x${string}`, to as `0x${string}`)

function portfolioClassLimits(a: { usds: string; managerEndpoint: string; haloClass: string; swapRateLimit: bigint }): Array<[string, string]> {
  const init = `init ${usds(a.swapRateLimit)} max, ${usds(a.swapRateLimit / 86_400n)}/s`
  return [
    [`LIMIT_ASSET_TRANSFER USDS → manager endpoint ${transferKey(a.usds, a.managerEndpoint)}`, init],
    [`LIMIT_ASSET_TRANSFER USDS → PortfolioHaloClass (redemptions) ${transferKey(a.usds, a.haloClass)}`, init],
    [`LIMIT_USDS_TO_USDC ${LIMIT.USDS_TO_USDC}`, init],
    [`LIMIT_USDC_TO_USDS ${LIMIT.USDC_TO_USDS}`, init],
  ]
}

export function renderPortfolioHaloArtifact(a: PortfolioHaloArtifactInput): string {
  const low = (v: string) => v.toLowerCase()
  return [
    `# Halo Artifact: Portfolio Halo Class ${low(a.pau)}`,
    '',
    `Template ${a.templateName} v${a.templateVersion}, chain ${a.chainId}, deployed by the Halo Factory ${low(a.factory)}.`,
    '',
    section('Addresses', lines([['PAU (ALMProxy)', a.pau], ['Controller', a.controller], ['RateLimits', a.rateLimits], ['PortfolioHaloClass', a.haloClass], ['manager endpoint', a.managerEndpoint], ['BEAMTimeLock', a.timelock], ['Configurator', a.configurator]].map(([k, v]) => [k!, low(v!)]))),
    section('Parameters', lines([['timelock delay', `${a.timelockDelaySeconds} s`], ['class init (each swap and transfer key)', `${usds(a.swapRateLimit)} max, ${usds(a.swapRateLimit / 86_400n)}/s`]])),
    section('Rate limits', lines([...portfolioClassLimits(a), ['every other key', 'none until governance adds an init; GovOps raises within SORL']])),
    section('Oracle and NAV sources', `Each book's NAV is the asset manager's report (assets behind the manager endpoint ${low(a.managerEndpoint)} plus the book's cash in the PAU), relayed by lpha-lcts with \`reportNav\` on the PortfolioHaloClass, which splits it over the book's units by the tranche rule; unit prices are \`navPerShareWad\`.`),
    section('Beacon configuration', lines([['lpha-lcts key (class SETTLER; Controller relayer)', low(a.beaconOperator)], ['LCTS pBEAM and converter of every unit queue', low(a.haloClass)], ['freezer', low(a.freezer)], ['GovOps (cBEAM)', low(a.govOps)]])),
    section('Warning signals', ['- a book\'s NAV report older than its units\' maximum age', '- a NAV drop beyond a unit\'s configured bound', '- a redemption settlement refused for liquidity (`InsufficientLiquidity`)', '- the transfer limit to the manager exhausted with subscriptions waiting', '- the Configurator brake (`stop`) applied to this PAU'].join('\n')),
    section('Recourse', a.recourse ?? ''),
    section('Migration', a.migration ?? ''),
  ].join('\n')
}

function signalLines(s: PortfolioWarningSignals | undefined): string {
  if (!s) return ''
  const out: string[] = []
  if (s.navDrop) out.push(`- NAV drop: the unit's NAV falls by more than ${s.navDrop.maxDropBps} bps in one report`)
  if (s.navReport) out.push(`- NAV report: none for more than ${s.navReport.maxAgeSeconds} s`)
  if (s.redemption) out.push(`- redemption: a redemption waits more than ${s.redemption.maxDelaySeconds} s to settle`)
  return out.join('\n')
}

export function renderPortfolioUnitArtifact(a: PortfolioUnitArtifactInput): string {
  const low = (v: string) => v.toLowerCase()
  const token = low(a.token)
  return [
    `# Unit Artifact: ${a.name} (${a.symbol}) ${token}`,
    '',
    `Portfolio (LCTS) unit, template ${a.templateName} v${a.templateVersion}, chain ${a.chainId}, Halo Class ${low(a.pau)}.`,
    '',
    section('Addresses', lines([
      ['unit token (PortfolioUnitToken)', token],
      ['subscribe queue (LCTS, USDS → shares)', low(a.subscribeQueue)],
      ['redeem queue (LCTS, shares → USDS)', low(a.redeemQueue)],
      ['Halo Class PAU (ALMProxy)', low(a.pau)],
      ['Controller', low(a.controller)],
      ['PortfolioHaloClass', low(a.haloClass)],
      ['manager endpoint', low(a.managerEndpoint)],
    ])),
    section('Parameters', lines([
      ['rank (seniority, 0 = most senior)', String(a.rank)],
      ['yield', a.residual ? 'residual (the book\'s most junior rank: what the senior targets leave, first loss)' : `target ${a.yieldBps} bps per year`],
      ['capacity (maximum NAV)', usds(a.capacity)],
      ['accrual window', `${a.accrualSeconds} s`],
      ['queue dust threshold', usds(a.dustThreshold)],
    ])),
    section('Rate limits', lines([...portfolioClassLimits(a), ['subscriptions', `settled up to the capacity, ${usds(a.capacity)} of NAV (lpha-lcts), not a rate limit`]])),
    section('Oracle and NAV sources', `NAV is the asset manager's reported NAV for the unit's book (assets behind the manager endpoint ${low(a.managerEndpoint)}), relayed by lpha-lcts (\`reportNav\` on ${low(a.haloClass)}); the unit's share of it follows its rank and yield; subscriptions and redemptions settle at \`navPerShareWad\`.`),
    section('Beacon configuration', lines([
      ['lpha-lcts key (class SETTLER: lock, settle, report NAV; Controller relayer: funds redemptions)', low(a.beaconOperator)],
      ['LCTS pBEAM and converter of both queues, minter of the token', low(a.haloClass)],
      ['freezer (Controller)', low(a.freezer)],
      ['GovOps (cBEAM)', low(a.govOps)],
    ])),
    section('Warning signals', signalLines(a.warningSignals)),
    section('Legal recourse', a.legalRecourse ?? ''),
    section('Migration', a.migration ?? ''),
  ].join('\n')
}

// ---------------------------------------------------------------- Trading (AMM)

export type TradingUnitArtifactInput = {
  templateName: string
  templateVersion: number
  chainId: number
  /** The TradingPool: the unit's id. */
  pool: string
  shareToken: string
  subscribeQueue: string
  redeemQueue: string
  pau: string
  rateLimits: string
  timelock: string
  usds: string
  asset: string
  assetSymbol: string
  assetDecimals: number
  oracle: string
  issuer: string
  beaconOperator: string
  freezer: string
  govOps: string
  bidSpreadBps: number
  askSpreadBps: number
  maxDeviationBps: number
  maxOracleAgeSeconds: number
  /** Asset base units (held + at the issuer). */
  maxInventory: bigint
  /** USDS per whole asset, 1e18. */
  referencePriceWad: bigint
  /** The init (max per day) of the pool's USDS keys, USDS base units. */
  capacity: bigint
  name: string
  symbol: string
  legalRecourse?: string | undefined
  migration?: string | undefined
}

/** The pool's asset-denominated inits: `capacity` in asset units at the reference NAV (TradingPoolFactory._schedule). */
export const tradingAssetInit = (a: Pick<TradingUnitArtifactInput, 'capacity' | 'assetDecimals' | 'referencePriceWad'>) => (a.capacity * 10n ** BigInt(a.assetDecimals)) / a.referencePriceWad

/** What each lpha-amm alert code means for this pool: every stable code has a line (a new code does not compile without one). */
const AMM_SIGNALS: Record<AmmAlertCode, (a: TradingUnitArtifactInput) => string> = {
  AMM_ORACLE_STALE: (a) => `the oracle ${a.oracle.toLowerCase()} reading is older than ${a.maxOracleAgeSeconds} s: swaps are paused`,
  AMM_ORACLE_DEVIATION: (a) => `the oracle moved more than ${a.maxDeviationBps} bps from the reference price: swaps are paused until governance resets the reference`,
  AMM_INVENTORY_LIMIT_REACHED: (a) => `inventory (held + pending at the issuer) reached ${formatUnitsExact(a.maxInventory, a.assetDecimals)} ${a.assetSymbol}: the pool buys no more`,
  AMM_REDEMPTION_MISSED: (a) => `an issuer redemption at ${a.issuer.toLowerCase()} is unsettled past its promised time plus grace`,
  AMM_RATE_LIMIT_BINDING: () => 'a redemption or capital return lpha-amm should make is held back by its LIMIT_AMM_* key',
  AMM_POOL_PAUSED: (a) => `the freezer ${a.freezer.toLowerCase()} paused the pool`,
}

export function renderTradingUnitArtifact(a: TradingUnitArtifactInput): string {
  const low = (v: string) => v.toLowerCase()
  const pool = low(a.pool)
  const asset = (amount: bigint) => `${formatUnitsExact(amount, a.assetDecimals)} ${a.assetSymbol}`
  const keys = poolRateLimitKeys(a.asset as `0x${string}`, a.pool as `0x${string}`)
  const assetInit = tradingAssetInit(a)
  const usdsInit = `init ${usds(a.capacity)} max, ${usds(a.capacity / 86_400n)}/s`
  const assetInitText = `init ${asset(assetInit)} max, ${asset(assetInit / 86_400n)}/s`
  return [
    `# Unit Artifact: ${a.name} (${a.symbol}) ${pool}`,
    '',
    `Trading (AMM) unit, template ${a.templateName} v${a.templateVersion}, chain ${a.chainId}, Halo Class ${low(a.pau)}.`,
    '',
    section('Addresses', lines([
      ['pool (TradingPool, USDS/asset)', pool],
      ['share token (LCTS, held by Primes)', low(a.shareToken)],
      ['subscribe queue (LCTS, USDS → shares)', low(a.subscribeQueue)],
      ['redeem queue (LCTS, shares → USDS)', low(a.redeemQueue)],
      ['asset', low(a.asset)],
      ['USDS', low(a.usds)],
      ['NAV oracle', low(a.oracle)],
      ['issuer redemption endpoint', low(a.issuer)],
      ['Halo Class PAU (ALMProxy)', low(a.pau)],
      ['RateLimits', low(a.rateLimits)],
      ['admin (BEAMTimeLock)', low(a.timelock)],
    ])),
    section('Parameters', lines([
      ['bid spread (the pool buys at oracle − spread)', `${a.bidSpreadBps} bps`],
      ['ask spread (the pool sells at oracle + spread)', `${a.askSpreadBps} bps`],
      ['inventory limit (held + pending)', asset(a.maxInventory)],
      ['oracle deviation bound', `${a.maxDeviationBps} bps of the reference price`],
      ['oracle maximum age', `${a.maxOracleAgeSeconds} s`],
      ['reference price', `${formatUnitsExact(a.referencePriceWad, 18)} USDS per ${a.assetSymbol}`],
      ['capacity (init of the USDS keys, per day)', usds(a.capacity)],
    ])),
    section('Rate limits', lines([
      [`LIMIT_AMM_POOL_BUY ${keys.poolBuy}`, usdsInit],
      [`LIMIT_AMM_POOL_SELL ${keys.poolSell}`, assetInitText],
      [`LIMIT_AMM_REDEEM ${keys.redeem}`, assetInitText],
      [`LIMIT_AMM_SUBSCRIBE ${keys.subscribe}`, usdsInit],
      [`LIMIT_AMM_UNSUBSCRIBE ${keys.unsubscribe}`, usdsInit],
      [`LIMIT_AMM_RETURN ${keys.return}`, 'none: a pool with shares cannot return capital'],
    ])),
    section('Oracle and NAV sources', `Prices are the NAV oracle ${low(a.oracle)} (USDS per ${a.assetSymbol}) ± the spreads; lpha-amm syncs the pool's price to it each cycle within the deviation bound. Swaps pause when the reading is older than ${a.maxOracleAgeSeconds} s or more than ${a.maxDeviationBps} bps from the reference. The share value is the pool's USDS plus its inventory (held and pending at the issuer ${low(a.issuer)}) at the oracle price, per share.`),
    section('Beacon configuration', lines([
      ['lpha-amm key (pool AMM_OPERATOR: price sync, issuer redemptions, capital return; LCTS pBEAM of both queues)', low(a.beaconOperator)],
      ['freezer (pool AMM_PAUSER)', low(a.freezer)],
      ['GovOps (cBEAM: the LIMIT_AMM_* limits within their inits)', low(a.govOps)],
      ['admin of pool and queues (spreads, pairs, issuer, reference reset)', low(a.timelock)],
    ])),
    section('Warning signals', (Object.keys(AMM_SIGNALS) as AmmAlertCode[]).map((code) => `- ${code} (${AMM_ALERT_CODES[code]}): ${AMM_SIGNALS[code](a)}`).join('\n')),
    section('Legal recourse', a.legalRecourse ?? ''),
    section('Migration', a.migration ?? ''),
  ].join('\n')
}

/** One pool of a Trading class, as its TradingPoolDeployed event names it (asset symbol and decimals read from the asset). */
export type TradingHaloPool = Pick<
  TradingUnitArtifactInput,
  'pool' | 'asset' | 'assetSymbol' | 'assetDecimals' | 'oracle' | 'issuer' | 'bidSpreadBps' | 'askSpreadBps' | 'maxDeviationBps' | 'maxOracleAgeSeconds' | 'maxInventory' | 'referencePriceWad' | 'capacity'
>

type TradingRange = { min: bigint; max: bigint }
/** The template's ranges as the registry stores them (Trading reuses the Term fields: docs/factory.md "Trading template"). */
export type TradingTemplateRanges = { unitCapacity: TradingRange; seniority: TradingRange; yieldBps: TradingRange; termSeconds: TradingRange; buyboxTicket: TradingRange; initRateLimit: TradingRange }

export type TradingHaloArtifactInput = HaloArtifactInput & {
  /** The TradingPoolFactory that deploys the class's pools. */
  tradingFactory: string
  usds: string
  /** The registry's current version of the class's template, whose ranges these are. */
  rangesVersion: number
  ranges: TradingTemplateRanges
  /** In chain order of their TradingPoolDeployed events. */
  pools: readonly TradingHaloPool[]
}

/** What each lpha-amm alert code means for the class: every stable code has a line (a new code does not compile without one). */
const AMM_CLASS_SIGNALS: Record<AmmAlertCode, string> = {
  AMM_ORACLE_STALE: 'a pool\'s oracle reading is older than its maximum age: that pool\'s swaps are paused',
  AMM_ORACLE_DEVIATION: 'a pool\'s oracle moved beyond its deviation bound from the reference price: its swaps are paused until governance resets the reference',
  AMM_INVENTORY_LIMIT_REACHED: 'a pool\'s inventory (held + pending at its issuer) reached its limit: the pool buys no more',
  AMM_REDEMPTION_MISSED: 'an issuer redemption of a pool is unsettled past its promised time plus grace',
  AMM_RATE_LIMIT_BINDING: 'a redemption or capital return lpha-amm should make is held back by a pool\'s LIMIT_AMM_* key',
  AMM_POOL_PAUSED: 'the freezer paused a pool',
}

export function renderTradingHaloArtifact(a: TradingHaloArtifactInput): string {
  const low = (v: string) => v.toLowerCase()
  const r = a.ranges
  const range = (x: TradingRange, fmt: (v: bigint) => string = String) => `${fmt(x.min)} to ${fmt(x.max)}`
  const poolLabel = (p: TradingHaloPool) => `pool ${low(p.pool)} (USDS/${p.assetSymbol})`
  const poolLimits = (p: TradingHaloPool): Array<[string, string]> => {
    const keys = poolRateLimitKeys(p.asset as `0x${string}`, p.pool as `0x${string}`)
    const asset = (amount: bigint) => `${formatUnitsExact(amount, p.assetDecimals)} ${p.assetSymbol}`
    const assetInit = tradingAssetInit(p)
    const usdsInit = `init ${usds(p.capacity)} max, ${usds(p.capacity / 86_400n)}/s`
    const assetInitText = `init ${asset(assetInit)} max, ${asset(assetInit / 86_400n)}/s`
    return [
      [`${poolLabel(p)} LIMIT_AMM_POOL_BUY ${keys.poolBuy}`, usdsInit],
      [`${poolLabel(p)} LIMIT_AMM_POOL_SELL ${keys.poolSell}`, assetInitText],
      [`${poolLabel(p)} LIMIT_AMM_REDEEM ${keys.redeem}`, assetInitText],
      [`${poolLabel(p)} LIMIT_AMM_SUBSCRIBE ${keys.subscribe}`, usdsInit],
      [`${poolLabel(p)} LIMIT_AMM_UNSUBSCRIBE ${keys.unsubscribe}`, usdsInit],
      [`${poolLabel(p)} LIMIT_AMM_RETURN ${keys.return}`, 'none: a pool with shares cannot return capital'],
    ]
  }
  const poolParameters = (p: TradingHaloPool): Array<[string, string]> => [
    [poolLabel(p), [
      `asset ${low(p.asset)} (${p.assetSymbol}, ${p.assetDecimals} decimals)`,
      `oracle ${low(p.oracle)}`,
      `issuer ${low(p.issuer)}`,
      `bid spread ${p.bidSpreadBps} bps, ask spread ${p.askSpreadBps} bps`,
      `inventory limit ${formatUnitsExact(p.maxInventory, p.assetDecimals)} ${p.assetSymbol}`,
      `oracle deviation bound ${p.maxDeviationBps} bps, maximum age ${p.maxOracleAgeSeconds} s`,
      `reference price ${formatUnitsExact(p.referencePriceWad, 18)} USDS per ${p.assetSymbol}`,
      `capacity ${usds(p.capacity)} a day`,
    ].join('; ')],
  ]
  return [
    `# Halo Artifact: Trading Halo Class ${low(a.pau)}`,
    '',
    `Trading (AMM) class, template ${a.templateName} v${a.templateVersion}, chain ${a.chainId}, deployed by the Halo Factory ${low(a.factory)}; its pools by the TradingPoolFactory ${low(a.tradingFactory)}.`,
    '',
    section('Addresses', lines([
      ['PAU (ALMProxy)', a.pau],
      ['Controller', a.controller],
      ['RateLimits', a.rateLimits],
      ['BEAMTimeLock', a.timelock],
      ['Configurator', a.configurator],
      ['TradingPoolFactory', a.tradingFactory],
      ['USDS', a.usds],
      ...a.pools.map((p): [string, string] => [`pool (TradingPool, USDS/${p.assetSymbol})`, p.pool]),
    ].map(([k, v]): [string, string] => [k!, low(v!)]))),
    section('Parameters', lines([
      ['timelock delay', `${a.timelockDelaySeconds} s`],
      ['PSM swap init (each direction)', `${usds(a.swapRateLimit)} max, ${usds(a.swapRateLimit / 86_400n)}/s`],
      ['pools', a.pools.length === 0 ? 'none deployed yet' : String(a.pools.length)],
      ...a.pools.flatMap(poolParameters),
      [`template ${a.templateName} v${a.rangesVersion} range: bid and ask spread (yieldBps)`, `${range(r.yieldBps)} bps`],
      [`template ${a.templateName} v${a.rangesVersion} range: oracle deviation bound (seniority)`, `${range(r.seniority)} bps`],
      [`template ${a.templateName} v${a.rangesVersion} range: oracle maximum age (termSeconds)`, `${range(r.termSeconds)} s`],
      [`template ${a.templateName} v${a.rangesVersion} range: inventory limit at the reference price (buyboxTicket)`, range(r.buyboxTicket, usds)],
      [`template ${a.templateName} v${a.rangesVersion} range: pool capacity (unitCapacity)`, `${range(r.unitCapacity, usds)} a day`],
      [`template ${a.templateName} v${a.rangesVersion} range: class PSM swap init (initRateLimit)`, range(r.initRateLimit, usds)],
    ])),
    section('Rate limits', lines([
      [`LIMIT_USDS_TO_USDC ${LIMIT.USDS_TO_USDC}`, `init ${usds(a.swapRateLimit)}`],
      [`LIMIT_USDC_TO_USDS ${LIMIT.USDC_TO_USDS}`, `init ${usds(a.swapRateLimit)}`],
      ...a.pools.flatMap(poolLimits),
      ['every other key', 'none until governance adds an init; GovOps raises within SORL'],
    ])),
    section('Oracle and NAV sources', [
      'Class NAV is the sum of its pools: each pool\'s USDS plus its inventory (held and pending at its issuer) at its NAV oracle\'s price. lpha-amm syncs each pool\'s price to its oracle every cycle within the deviation bound; swaps pause when the reading is stale or beyond the bound.',
      ...a.pools.map((p) => `- ${poolLabel(p)}: NAV oracle ${low(p.oracle)} (USDS per ${p.assetSymbol}), issuer redemptions at ${low(p.issuer)}`),
    ].join('\n\n')),
    section('Beacon configuration', [
      lines([
        ['lpha-amm key (AMM_OPERATOR of every pool: price sync within the deviation bound, issuer redemptions, capital return; LCTS pBEAM of every pool queue)', low(a.beaconOperator)],
        ['freezer (AMM_PAUSER of every pool; Controller freezer)', low(a.freezer)],
        ['GovOps (cBEAM: the class\'s limits within their inits; deploys pools)', low(a.govOps)],
        ['admin of every pool and queue (spreads, pairs, issuer, reference reset)', low(a.timelock)],
      ]),
      'lpha-amm cannot change a spread, add a pair or pool, change an issuer or reset a reference price (the BEAMTimeLock\'s, after its delay), and cannot move capital outside the rate limits: every pool buy, sale, redemption, subscription and return consumes its LIMIT_AMM_* key.',
    ].join('\n\n')),
    section('Warning signals', [
      ...(Object.keys(AMM_CLASS_SIGNALS) as AmmAlertCode[]).map((code) => `- ${code} (${AMM_ALERT_CODES[code]}): ${AMM_CLASS_SIGNALS[code]}`),
      '- the Configurator brake (`stop`) applied to this PAU',
    ].join('\n')),
    section('Recourse', a.recourse ?? ''),
    section('Migration', a.migration ?? ''),
  ].join('\n')
}
