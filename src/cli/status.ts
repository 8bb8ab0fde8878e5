import type { Command } from 'commander'
import { DEFAULT_STATE_DIR } from '../devnet/stateFile.js'
import { formatStatus, stackStatus } from '../devnet/status.js'

export function register(program: Command): void {
  program
    .command('status')
    .description('health of the `halo up` stack: each component, chain height, Synome position, open alerts (exit 1 when not healthy)')
    .option('--state-dir <dir>', 'state dir of the running `halo up`', DEFAULT_STATE_DIR)
    .option('--json', 'machine-readable output')
    .action(async (flags: { stateDir: string; json?: boolean }) => {
      const status = await stackStatus(flags.stateDir)
      process.stdout.write(flags.json ? `${JSON.stringify(status)}\n` : `${formatStatus(status)}\n`)
      if (!status.healthy) process.exitCode = 1
    })
}
