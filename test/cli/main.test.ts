import { describe, expect, it } from 'vitest'
import { areasFor, buildProgram, COMMAND_AREAS } from '../../src/cli/main.js'
import { runHalo } from '../support/cli.js'

const argv = (...args: string[]) => ['node', 'halo', ...args]

describe('halo loads only the area of the command being run', () => {
  it('COMMAND_AREAS names exactly the top-level commands the areas register', async () => {
    const all = await buildProgram()
    expect(all.commands.map((c) => c.name()).sort()).toEqual(Object.keys(COMMAND_AREAS).sort())
  })

  it('each command, loaded alone, is registered with the same subcommands as with every area loaded', async () => {
    const all = await buildProgram()
    const subcommands = (program: typeof all, name: string) => program.commands.find((c) => c.name() === name)?.commands.map((c) => c.name()).sort()
    for (const name of Object.keys(COMMAND_AREAS)) {
      const alone = await buildProgram(argv(name))
      expect(alone.commands.map((c) => c.name()), name).toContain(name)
      expect(subcommands(alone, name), name).toEqual(subcommands(all, name))
    }
  })

  it('a beacon child loads the beacon areas only; help and unknown commands load everything', () => {
    expect(areasFor(argv('beacon', 'nfat', '--config', 'x.json'))).toEqual(['beacons', 'risk'])
    expect(areasFor(argv('status', '--json'))).toEqual(['status'])
    const everything = areasFor(argv())
    expect(everything).toHaveLength(14)
    expect(areasFor(argv('--help'))).toEqual(everything)
    expect(areasFor(argv('help', 'beacon'))).toEqual(everything)
    expect(areasFor(argv('no-such-command'))).toEqual(everything)
    expect(areasFor(argv('constructor'))).toEqual(everything)
  })

  it('halo --help still lists every command; an unknown command is refused naming it', async () => {
    const help = await runHalo('--help')
    for (const name of Object.keys(COMMAND_AREAS)) expect(help.stdout, name).toContain(name)
    const unknown = await runHalo('no-such-command')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain("unknown command 'no-such-command'")
  })

  it('halo beacon nfat --help has its options (loaded lazily)', async () => {
    const help = await runHalo('beacon', 'nfat', '--help')
    expect(help.stdout).toContain('--config <file>')
    expect(help.stdout).toContain('--once')
  })
})
