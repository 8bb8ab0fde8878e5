import { InvalidInputError } from '../../domain/errors.js'
import { closeUnit } from './closeUnit.js'
import { grantRole, publishRiskFramework, registerCoreHalo, registerHaloClass, revokeRole } from './council.js'
import { createSleeve } from './createSleeve.js'
import { markRepaymentAvailable } from './markRepaymentAvailable.js'
import { overrideSleeveState } from './overrideSleeveState.js'
import { overrideUnit } from './overrideUnit.js'
import { postAttestation } from './postAttestation.js'
import { recordEntitlements } from './recordEntitlements.js'
import { recordPeriodicAttestation } from './recordPeriodicAttestation.js'
import { sweepUnit } from './sweepUnit.js'
import { transitionSleeve } from './transitionSleeve.js'
import { updateSleeveAssets } from './updateSleeveAssets.js'
import { updateSleeveMetadata } from './updateSleeveMetadata.js'
import { writeRiskData } from './writeRiskData.js'
import type { CommandHandler } from './types.js'

/** The built-in commands: the seed's write-access matrix plus council's. */
export const BUILTIN_COMMANDS = [
  createSleeve,
  sweepUnit,
  updateSleeveAssets,
  transitionSleeve,
  writeRiskData,
  recordPeriodicAttestation,
  markRepaymentAvailable,
  recordEntitlements,
  closeUnit,
  updateSleeveMetadata,
  postAttestation,
  overrideSleeveState,
  overrideUnit,
  publishRiskFramework,
  registerHaloClass,
  registerCoreHalo,
  grantRole,
  revokeRole,
] as const

/** Commands other modules added for every service started after (see CommandHandler's docs). */
const extensions = new Map<string, CommandHandler>()

export function registerCommand(handler: CommandHandler): void {
  if (BUILTIN_COMMANDS.some((c) => c.name === handler.name) || extensions.has(handler.name)) {
    throw new InvalidInputError(`command ${handler.name} is already registered`)
  }
  extensions.set(handler.name, handler as CommandHandler)
}

/**
 * Register a module's commands (e.g. LCTS_COMMANDS) for every service started after. Calling it
 * again with the same handlers is a no-op; another handler under a taken name is still refused.
 */
export function registerCommands(handlers: readonly CommandHandler[]): void {
  for (const handler of handlers) {
    if (extensions.get(handler.name) === handler) continue
    registerCommand(handler)
  }
}

/** name → handler for one service: built-ins, registered extensions, then per-instance extras. */
export function buildRegistry(extra: readonly CommandHandler[] = []): ReadonlyMap<string, CommandHandler> {
  const map = new Map<string, CommandHandler>()
  for (const handler of [...BUILTIN_COMMANDS, ...extensions.values(), ...extra]) {
    // The same handler passed again (registered globally by the CLI and passed per instance by a
    // beacon) is one command; two different handlers under one name are a conflict.
    if ((map.get(handler.name) as unknown) === handler) continue
    if (map.has(handler.name)) throw new InvalidInputError(`command ${handler.name} is registered twice`)
    map.set(handler.name, handler as unknown as CommandHandler)
  }
  return map
}
