import type { Command } from 'commander'
import { isAddress, isHex, type Address, type Hex } from 'viem'
import { chainClientsFor } from '../chain/clients.js'
import { applyRampStep } from '../chain/rateLimits/applyRampStep.js'
import { readRampState, type ReadRampStateReturnType } from '../chain/rateLimits/readRampState.js'
import { DAY_SECONDS, parseRatePerPeriod, planRamp, type PlanRampReturnType, type RampStep, type RateLimitSetting } from '../domain/allocator/rampPlan.js'
import { InvalidInputError } from '../domain/errors.js'
import { formatUnitsExact, USDS_DECIMALS } from '../domain/money.js'
import { LIMIT, rateLimitKey } from '../domain/rateLimits.js'
import { SORL_DEFAULTS } from '../domain/sorl.js'
import { signer } from './risk.js'

/**
 * `halo prime ramp-plan`: the Prime GovOps' schedule of rate-limit settings for a new Unit,
 * from the conservative initial limit to the target, within SORL (seed 002, Phase 5–8
 * "Prime Integration Remains Manual"). Offline it assumes a fresh key; with `--rpc-url` it
 * reads the key's live state from the Configurator Unit; `--apply` submits the next due step.
 */
type RampFlags = {
  unit?: string
  key?: string
  prime: string
  pau?: string
  target: string
  by?: string
  from?: string
  initial: string
  cadence?: string
  needsInit?: boolean
  decimals: string
  rpcUrl?: string
  configurator?: string
  apply?: boolean
  govopsKey?: string
  json?: boolean
}

const DURATION = /^(\d+)(s|m|h|d)?$/
const UNIT_SECONDS: Record<string, bigint> = { s: 1n, m: 60n, h: 3_600n, d: DAY_SECONDS }

function parseDuration(value: string, field: string): bigint {
  const match = DURATION.exec(value.trim())
  if (!match) throw new InvalidInputError(`${field} must be a duration like 18h or 1d`, { details: value, meta: { field } })
  return BigInt(match[1]!) * UNIT_SECONDS[match[2] ?? 's']!
}

function parseDate(value: string, field: string): bigint {
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)
  if (Number.isNaN(ms)) throw new InvalidInputError(`${field} is not a date (YYYY-MM-DD or ISO 8601)`, { details: value, meta: { field } })
  return BigInt(Math.floor(ms / 1000))
}

function address(value: string | undefined, field: string): Address {
  if (!value || !isAddress(value)) throw new InvalidInputError(`${field} must be an address`, { details: String(value), meta: { field } })
  return value
}

/** The key of the Prime's limit into the Unit: `--key`, or the NFAT Facility deposit key of `--unit`. */
function rampKey(flags: RampFlags): Hex {
  if (flags.key) {
    if (!isHex(flags.key) || flags.key.length !== 66) throw new InvalidInputError('--key must be a 32-byte hex rate-limit key', { meta: { field: 'key' } })
    return flags.key
  }
  return rateLimitKey(LIMIT.FACILITY_DEPOSIT, address(flags.unit, 'unit'))
}

const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString()

function stepJson(step: RampStep, decimals: number) {
  const setting = (s: RateLimitSetting) => ({
    maxAmount: formatUnitsExact(s.maxAmount, decimals),
    perDay: formatUnitsExact(s.slope * DAY_SECONDS, decimals),
    slope: s.slope.toString(),
  })
  return step.kind === 'schedule-init'
    ? { kind: step.kind, at: iso(step.at), readyAt: iso(step.readyAt), init: setting(step.init) }
    : { kind: step.kind, at: iso(step.at), increase: step.increase, ...setting(step.setting) }
}

function formatPlan(plan: PlanRampReturnType, flags: RampFlags, decimals: number): string {
  const lines = [`Ramp plan for ${flags.prime} → ${flags.unit ?? flags.key}: target ${flags.target}, reached ${iso(plan.reachedAt)} (${plan.increases} raises)`]
  const amount = (v: bigint) => formatUnitsExact(v, decimals)
  for (const [i, step] of plan.steps.entries()) {
    const n = String(i).padStart(3)
    lines.push(
      step.kind === 'schedule-init'
        ? `${n}  ${iso(step.at)}  governance schedules the init (max ${amount(step.init.maxAmount)}, ${amount(step.init.slope * DAY_SECONDS)}/day) in the BEAM timelock, ready ${iso(step.readyAt)}`
        : `${n}  ${iso(step.at)}  setRateLimit max ${amount(step.setting.maxAmount)}, ${amount(step.setting.slope * DAY_SECONDS)}/day${step.increase ? '' : ' (decrease, instant)'}`,
    )
  }
  return lines.join('\n')
}

export function register(program: Command): void {
  const prime = program.command('prime').description('Prime GovOps tasks: stage a new Unit within SORL')
  prime
    .command('ramp-plan')
    .description('schedule of rate-limit settings from the initial limit to a target, within SORL and the timelock; --apply submits the next due step')
    .requiredOption('--prime <id>', 'the Prime (label in the output, e.g. spark)')
    .requiredOption('--target <rate>', 'target limit, e.g. 100M/day')
    .option('--unit <address>', "the Unit's NFAT Facility (the key is its deposit key on the Prime's PAU)")
    .option('--key <bytes32>', 'any other rate-limit key instead of --unit')
    .option('--by <date>', 'refuse a plan that reaches the target after this date (YYYY-MM-DD or ISO)')
    .option('--from <date>', 'offline: when the plan starts (default now)')
    .option('--initial <rate>', 'the conservative initial limit governance approves as the init', '100K/day')
    .option('--cadence <duration>', 'time between two raises, at least the SORL hop (e.g. 1d; default the hop)')
    .option('--needs-init', 'offline: no init exists yet, so the plan starts with the timelocked init')
    .option('--decimals <n>', 'decimals of the limited asset', String(USDS_DECIMALS))
    .option('--rpc-url <url>', "read the key's live state (env HALO_RPC_URL)")
    .option('--configurator <address>', 'the Configurator Unit of the PAU (with --rpc-url)')
    .option('--pau <address>', "the Prime's PAU (with --rpc-url)")
    .option('--apply', 'submit the next step if it is due now (needs the cBEAM key)')
    .option('--govops-key <file|hex>', 'GovOps (cBEAM) signing key for --apply (env HALO_KEY)')
    .option('--json', 'machine-readable output')
    .action(async (flags: RampFlags) => {
      const decimals = Number(flags.decimals)
      if (!Number.isInteger(decimals) || decimals < 0 || decimals > 36) throw new InvalidInputError('--decimals must be an integer 0..36')
      const target = parseRatePerPeriod(flags.target, decimals, 'target')
      const initial = parseRatePerPeriod(flags.initial, decimals, 'initial')
      const key = rampKey(flags)
      const rpcUrl = flags.rpcUrl ?? process.env.HALO_RPC_URL
      let state: ReadRampStateReturnType
      let clients: Awaited<ReturnType<typeof chainClientsFor>> | undefined
      let where: { configurator: Address; pau: Address; key: Hex } | undefined
      if (rpcUrl) {
        clients = await chainClientsFor(rpcUrl)
        where = { configurator: address(flags.configurator, 'configurator'), pau: address(flags.pau, 'pau'), key }
        state = await readRampState(clients, where)
      } else {
        if (flags.apply) throw new InvalidInputError('--apply needs --rpc-url, --configurator and --pau')
        state = {
          current: { maxAmount: 0n, slope: 0n },
          init: flags.needsInit ? undefined : initial,
          lastIncreaseAt: 0n,
          hopSeconds: SORL_DEFAULTS.hopSeconds,
          maxChangeBps: SORL_DEFAULTS.maxChangeBps,
          timelockDelaySeconds: SORL_DEFAULTS.timelockDelaySeconds,
          now: flags.from ? parseDate(flags.from, 'from') : BigInt(Math.floor(Date.now() / 1000)),
        }
      }
      const plan = planRamp({
        ...state,
        proposedInit: initial,
        target,
        cadenceSeconds: flags.cadence ? parseDuration(flags.cadence, 'cadence') : undefined,
        by: flags.by ? parseDate(flags.by, 'by') : undefined,
      })
      let applied: { txHash: Hex; step: ReturnType<typeof stepJson> } | { due: string } | undefined
      if (flags.apply && clients && where) {
        const next = plan.steps[0]
        if (!next) applied = { due: 'nothing: the limit is at the target' }
        else if (next.at > state.now) applied = { due: iso(next.at) }
        else {
          const receipt = await applyRampStep(clients, { ...where, govOps: signer(flags.govopsKey), step: next })
          applied = { txHash: receipt.transactionHash, step: stepJson(next, decimals) }
        }
      }
      const json = { prime: flags.prime, key, reachedAt: iso(plan.reachedAt), increases: plan.increases, steps: plan.steps.map((s) => stepJson(s, decimals)), ...(applied ? { applied } : {}) }
      if (flags.json) process.stdout.write(`${JSON.stringify(json)}\n`)
      else {
        process.stdout.write(`${formatPlan(plan, flags, decimals)}\n`)
        if (applied) process.stdout.write('txHash' in applied ? `applied step 0: ${applied.txHash}\n` : `nothing applied; next step due ${applied.due}\n`)
      }
    })
}
