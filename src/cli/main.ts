import { Command, CommanderError } from 'commander'
import { chainRefusal } from '../chain/chainRefusal.js'
import { isBaseError } from '../domain/errors.js'

/**
 * The `halo` command. Each user task is one subcommand, registered by the module that owns
 * it (`src/cli/<area>.ts` exports `register(program)`). Add the area to AREAS and its top-level
 * command names to COMMAND_AREAS to add an area.
 *
 * Only the area of the command being run is loaded (a beacon child of `halo up` starts in a
 * fraction of the time it takes to import every area); `halo`, `halo --help`, `halo help …` and
 * an unknown command load every area, so help lists everything and an unknown command is
 * answered by commander as before.
 */
type Area = { register: (program: Command) => void }

/** Registration order = help order (`beacon` is created by `beacons`, `risk` adds `beacon verify`). */
const AREAS = {
  agents: () => import('./agents.js'),
  artifact: () => import('./artifact.js'),
  day0: () => import('./day0.js'),
  factory: () => import('./factory.js'),
  beacons: () => import('./beacons.js'),
  dashboard: () => import('./dashboard.js'),
  demo: () => import('./demo.js'),
  portfolio: () => import('./portfolio.js'),
  prime: () => import('./prime.js'),
  status: () => import('./status.js'),
  up: () => import('./up.js'),
  risk: () => import('./risk.js'),
  synome: () => import('./synome.js'),
  timelock: () => import('./timelock.js'),
} satisfies Record<string, () => Promise<Area>>
export type AreaName = keyof typeof AREAS

/** Top-level command name → the areas that register it or its subcommands (test/cli/main.test.ts checks this against what the areas register). */
export const COMMAND_AREAS: Readonly<Record<string, readonly AreaName[]>> = {
  settle: ['agents'],
  waterfall: ['agents'],
  'mini-atlas': ['agents'],
  agent: ['agents'],
  artifact: ['artifact'],
  day0: ['day0'],
  factory: ['factory'],
  beacon: ['beacons', 'risk'],
  attest: ['beacons'],
  dashboard: ['dashboard'],
  demo: ['demo'],
  portfolio: ['portfolio'],
  prime: ['prime'],
  status: ['status'],
  up: ['up'],
  council: ['risk'],
  verify: ['risk'],
  synome: ['synome'],
  timelock: ['timelock'],
}

/** The areas `argv` (process.argv: node, script, …) needs: its command's, or all of them. */
export function areasFor(argv: readonly string[]): AreaName[] {
  const all = Object.keys(AREAS) as AreaName[]
  const command = argv[2]
  const needed = command !== undefined && Object.hasOwn(COMMAND_AREAS, command) ? COMMAND_AREAS[command]! : all
  return all.filter((area) => needed.includes(area))
}

/** The program with the areas `argv` needs registered (no argv: every area). */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('halo')
    .description('Laniakea Halo Stack: launch and operate a Halo, and see every step')
    .showHelpAfterError()
    .exitOverride()
  const { registerSynomeCommands } = await import('./synomeCommands.js')
  registerSynomeCommands()
  const areas = argv ? areasFor(argv) : (Object.keys(AREAS) as AreaName[])
  const modules: Area[] = await Promise.all(areas.map((area) => AREAS[area]()))
  for (const module of modules) module.register(program)
  return program
}

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv)
  try {
    await program.parseAsync(argv)
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode
      return
    }
    const known = isBaseError(error) ? error : chainRefusal(error)
    if (known) {
      const error = known
      const json = argv.includes('--json')
      process.stderr.write(json ? `${JSON.stringify(error.toProblem())}\n` : `error [${error.code}]: ${error.shortMessage}${error.details ? `\n  ${error.details}` : ''}\n`)
      process.exitCode = 1
      return
    }
    throw error
  }
}
