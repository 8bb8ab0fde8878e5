import { describe, expect, it } from 'vitest'
import { buildRegistry } from '../../src/synome/commands/registry.js'
import { LCTS_COMMANDS, registerLctsCommands } from '../../src/synome/commands/lcts/index.js'
import { defineCommand } from '../../src/synome/commands/types.js'
import { createSleeve } from '../../src/synome/commands/createSleeve.js'

describe('command registry', () => {
  it('a command registered globally (by the CLI) and passed again per instance (by a beacon) is one command', () => {
    registerLctsCommands()
    const registry = buildRegistry([...LCTS_COMMANDS])
    expect(registry.get('recordLctsSettlement')).toBe(LCTS_COMMANDS[1])
  })
  it('two different handlers under one name are refused', () => {
    const impostor = defineCommand({ ...createSleeve, summary: 'another createSleeve' })
    expect(() => buildRegistry([impostor])).toThrow(/registered twice/)
  })
})
