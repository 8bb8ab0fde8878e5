import { PreconditionFailedError } from '../../domain/errors.js'
import type { UnitView } from '../../domain/sleeve.js'
import type { SleeveRecord, UnitRecord } from '../records.js'
import type { CommandTarget, EntityRecord, StateAccess } from './types.js'

/** Shared by the sleeve and unit handlers: load, store and target sleeves and units. */

export async function loadSleeve(state: StateAccess, sleeveId: string): Promise<SleeveRecord> {
  return (await state.require<SleeveRecord>('sleeve', sleeveId)).data
}

export function putSleeve(state: StateAccess, sleeve: SleeveRecord): void {
  state.put({ type: 'sleeve', id: sleeve.sleeveId, data: sleeve, haloClass: sleeve.haloClass, state: sleeve.state })
}

export function putUnit(state: StateAccess, unit: UnitRecord): void {
  state.put({ type: 'unit', id: String(unit.unitId), data: unit, haloClass: unit.haloClass, sleeveId: unit.sleeveId, prime: unit.depositorPrime, state: unit.state })
}

export async function sleeveTarget(state: StateAccess, sleeveId: string): Promise<CommandTarget> {
  const sleeve = await loadSleeve(state, sleeveId)
  return { type: 'sleeve', id: sleeveId, haloClass: sleeve.haloClass }
}

export async function linkedUnits(state: StateAccess, sleeve: SleeveRecord): Promise<UnitRecord[]> {
  const units: UnitRecord[] = []
  for (const unitId of sleeve.linkedUnits) units.push((await state.require<UnitRecord>('unit', String(unitId))).data)
  return units
}

export function unitView(unit: UnitRecord): UnitView {
  return { unitId: unit.unitId, state: unit.state, principal: unit.principal }
}

export function refuseExisting(existing: EntityRecord | undefined, what: string): void {
  if (existing) throw new PreconditionFailedError(`${what} already exists`, { meta: { gate: 'ALREADY_EXISTS', type: existing.type, id: existing.id } })
}
