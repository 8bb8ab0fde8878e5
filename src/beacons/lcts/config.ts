import { z } from 'zod'
import { assertSchedule, type CycleSchedule } from '../../domain/lcts/cycle.js'
import { haConfigSchema } from '../shared/ha.js'
import { addressSchema as address, hex32Schema as hex32, httpPortSchema, parseBeaconConfig, readConfigFile, synomeConfigSchema } from '../shared/runtime.js'

/**
 * `halo beacon lcts --config file.json`: one LCTS pair (srUSDS, or a Prime's TEJRC/TISRC).
 * The key may come from HALO_LCTS_PRIVATE_KEY instead of the file (the environment wins).
 */
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time like 13:00').transform((value) => Number(value.slice(0, 2)) * 3600 + Number(value.slice(3, 5)) * 60)

export const lctsBeaconConfigSchema = z.strictObject({
  pairId: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  rpcUrl: z.url(),
  privateKey: hex32.optional(),
  synome: synomeConfigSchema,
  synomeChainId: z.number().int().positive().optional(),
  chain: z.strictObject({ subscribeQueue: address, redeemQueue: address, holdingSystem: address, token: address, finalityDepth: z.number().int().min(0).default(2) }),
  schedule: z
    .strictObject({
      lockAt: timeOfDay.default(13 * 3600),
      settleAt: timeOfDay.default(16 * 3600),
      skipWeekdaysUtc: z.array(z.number().int().min(0).max(6)).max(7).default([]),
      skipDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(1000).default([]),
    })
    .default({ lockAt: 13 * 3600, settleAt: 16 * 3600, skipWeekdaysUtc: [], skipDates: [] }),
  stateDir: z.string().min(1).default('./data/lpha-lcts'),
  clock: z.union([z.literal('wall'), z.strictObject({ chainOffsetSeconds: z.number().int() })]).default({ chainOffsetSeconds: 0 }),
  intervalSeconds: z.number().positive().default(30),
  /** /metrics (the lease's, under HA) and /healthz. */
  httpPort: httpPortSchema,
  /** Run as one of several instances; only the lease holder acts (lease `lpha-lcts:<pairId>`, docs/beacons.md). */
  ha: haConfigSchema.optional(),
})

export type LctsBeaconConfig = z.output<typeof lctsBeaconConfigSchema>

export function scheduleOf(config: LctsBeaconConfig): CycleSchedule {
  const schedule = { lockAtSecondsUtc: config.schedule.lockAt, settleAtSecondsUtc: config.schedule.settleAt, skipWeekdaysUtc: config.schedule.skipWeekdaysUtc, skipDates: config.schedule.skipDates }
  assertSchedule(schedule)
  return schedule
}

export function parseLctsBeaconConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): LctsBeaconConfig {
  const config = parseBeaconConfig(lctsBeaconConfigSchema, raw, { keyEnv: 'HALO_LCTS_PRIVATE_KEY', what: 'beacon config', env })
  scheduleOf(config)
  return config
}

export function loadLctsBeaconConfig(path: string, env: NodeJS.ProcessEnv = process.env): LctsBeaconConfig {
  return parseLctsBeaconConfig(readConfigFile(path, 'beacon config'), env)
}
