import { defineConfig } from 'vitest/config'

// Why forks and at most two workers: the machine has two cores, and each test file may
// start an anvil process or a PGlite store (WASM, hundreds of MB). Threads would share
// one heap between PGlite instances; forks keep them apart and are killed cleanly.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summaryReporter.ts'],
  },
})
