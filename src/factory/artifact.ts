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
