import { Command, CommanderError } from 'commander'
import { chainRefusal } from '../chain/chainRefusal.js'
import { isBaseError } from '../domain/errors.js'
import { register as registerAgents } from './agents.js'
import { register as registerArtifact } from './artifact.js'
import { register as registerDay0 } from './day0.js'
import { register as registerFactory } from './factory.js'
import { register as registerBeacons } from './beacons.js'
import { register as registerDashboard } from './dashboard.js'
import { register as registerDemo } from './demo.js'
import { register as registerPortfolio } from './portfolio.js'
import { register as registerPrime } from './prime.js'
import { register as registerStatus } from './status.js'
import { register as registerUp } from './up.js'
import { register as registerRisk } from './risk.js'
import { register as registerSynome } from './synome.js'
import { register as registerTimelock } from './timelock.js'

/**
 * The `halo` command. Each user task is one subcommand, registered by the module that owns
 * it (`src/cli/<area>.ts` exports `register(program)`). Add a line below to add an area.
 */
export function buildProgram(): Command {
  const program = new Command('halo')
    .description('Laniakea Halo Stack: launch and operate a Halo, and see every step')
    .showHelpAfterError()
    .exitOverride()
  registerAgents(program)
  registerArtifact(program)
  registerDay0(program)
  registerFactory(program)
  registerBeacons(program)
  registerDashboard(program)
  registerDemo(program)
  registerPortfolio(program)
  registerPrime(program)
  registerStatus(program)
  registerUp(program)
  registerRisk(program)
  registerSynome(program)
  registerTimelock(program)
  return program
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram()
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
