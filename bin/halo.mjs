#!/usr/bin/env node
// The `halo` command: loads the TypeScript entry point through tsx (a runtime dependency),
// so the CLI runs from a clone with no build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/main.ts')
await main(process.argv)
