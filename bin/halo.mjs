#!/usr/bin/env node
// The `halo` command: loads the TypeScript entry point through tsx (a runtime dependency),
// so the CLI runs from a clone with no build step. The CLI imports the contract ABIs that
// src/chain/build.ts generates (gitignored), so build them first: cached, silent when warm,
// so `halo --help` works right after `npm install` on a fresh clone.
import { register } from 'tsx/esm/api'

register()
const { buildContracts } = await import('../src/chain/build.ts')
try {
  const built = buildContracts()
  if (built.cached === 'none') process.stderr.write(`halo: compiled ${built.contracts} contracts (first run; cached from now on)\n`)
} catch (error) {
  process.stderr.write(`halo: building the contracts failed: ${error instanceof Error ? error.message : String(error)}\n`)
  if (error && typeof error === 'object' && 'details' in error && error.details) process.stderr.write(`${error.details}\n`)
  process.exit(1)
}
const { main } = await import('../src/cli/main.ts')
await main(process.argv)
