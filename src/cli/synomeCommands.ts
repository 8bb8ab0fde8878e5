import { registerAgentCommands } from '../synome/commands/agents/index.js'
import { registerAllocatorCommands } from '../synome/commands/allocator/index.js'
import { registerAmmCommands } from '../synome/commands/amm/index.js'
import { registerIdentityCommands } from '../synome/commands/identity/index.js'
import { registerLctsCommands } from '../synome/commands/lcts/index.js'
import { registerPortfolioCommands } from '../synome/commands/portfolio/index.js'

/**
 * Every Synome this CLI starts (`halo synome serve`, `halo up`, a local store opened with
 * --data-dir / --database-url) accepts the commands of every area: lpha-lcts's records, Core
 * Council's LCTS capacity inputs, identity, AMM, allocator, Portfolio and agent records. main
 * calls this before it loads the area of the command being run (src/cli/main.ts), so a command
 * never depends on which other areas happened to be loaded. Idempotent.
 */
export function registerSynomeCommands(): void {
  registerLctsCommands()
  registerIdentityCommands()
  registerAmmCommands()
  registerAllocatorCommands()
  registerPortfolioCommands()
  registerAgentCommands()
}
