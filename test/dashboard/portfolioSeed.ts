/**
 * A Portfolio class in a PGlite Synome, written with the real signed commands, for the CLI and
 * dashboard tests. Class clo, book alpha: senior 80M (Primes A 50M, B 20M, C 10M), junior 20M
 * (Prime C), settled 2026-01-01; a flat NAV report on 2026-01-02 and a fall to 90M on 2026-01-03
 * (the junior halves). `redeemHalfJunior` then settles Prime C's redemption of half its junior
 * shares at the junior's price 0.5 (2026-01-03 16:00 UTC).
 */
import { privateKeyToAccount } from 'viem/accounts'
import { DEVNET_FRAMEWORK } from '../../src/devnet/riskFramework.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { PORTFOLIO_COMMANDS } from '../../src/synome/commands/portfolio/index.js'
import { createSynome } from '../../src/synome/create.js'
import type { SynomeService } from '../../src/synome/service.js'

export const council = privateKeyToAccount(`0x${'c1'.repeat(32)}`)
export const lcts = privateKeyToAccount(`0x${'1d'.repeat(32)}`)
export const prime = { a: '0x00000000000000000000000000000000000000a1', b: '0x00000000000000000000000000000000000000b2', c: '0x00000000000000000000000000000000000000c3' }
export const signals = { navDrop: { maxDropBps: 500 }, navReport: { maxAgeSeconds: 93_600 } }
export const migrationPath = 'transfer the CLO positions to the backup manager under the class SPV (Unit Artifact §7)'

export type PortfolioSeed = {
  service: SynomeService
  as: (account: typeof council) => ReturnType<typeof createInProcessClient>
  /** Moves the Synome's clock (records after the seed). */
  setNow: (iso: string) => void
  redeemHalfJunior: () => Promise<void>
}

/** `dataDir` null: in memory. */
export async function seedPortfolioSynome(dataDir: string | null): Promise<PortfolioSeed> {
  let now = new Date('2026-01-01T00:00:00Z')
  const clock = () => now
  const service = await createSynome({ dataDir, clock, commands: [...PORTFOLIO_COMMANDS], roles: [{ address: council.address, role: 'council', haloClasses: [] }, { address: lcts.address, role: 'lcts', haloClasses: ['*'] }] })
  const as = (account: typeof council) => createInProcessClient({ service, account, clock })
  await as(council).send('publishRiskFramework', { version: 'devnet-1', document: DEVNET_FRAMEWORK as never })
  await as(council).send('createPortfolioClass', { classId: 'clo', name: 'CLO Tranched' })
  await as(council).send('createPortfolioBook', {
    classId: 'clo', bookId: 'alpha', accrualSeconds: 0,
    units: [{ unitId: 'alpha-senior', rank: 0, yield: { kind: 'target', rateBps: 500 }, warningSignals: signals, migrationPath }, { unitId: 'alpha-junior', rank: 1, yield: { kind: 'residual' }, warningSignals: signals }],
  })
  const settledAt = '2026-01-01T16:00:00.000Z'
  await as(lcts).send('recordPortfolioSettlement', { bookId: 'alpha', unitId: 'alpha-senior', epoch: '2026-01-01', settledAt, subscribed: '80000000', redeemedShares: '0', byPrime: [{ prime: prime.a, subscribed: '50000000', redeemedShares: '0' }, { prime: prime.b, subscribed: '20000000', redeemedShares: '0' }, { prime: prime.c, subscribed: '10000000', redeemedShares: '0' }] })
  await as(lcts).send('recordPortfolioSettlement', { bookId: 'alpha', unitId: 'alpha-junior', epoch: '2026-01-01', settledAt, subscribed: '20000000', redeemedShares: '0', byPrime: [{ prime: prime.c, subscribed: '20000000', redeemedShares: '0' }] })
  await as(lcts).send('recordPortfolioNavReport', { bookId: 'alpha', reportId: 'nav-1', reportedAssets: '100000000', reportedAt: '2026-01-02T00:00:00.000Z', units: [{ unitId: 'alpha-senior', nav: '80000000' }, { unitId: 'alpha-junior', nav: '20000000' }] })
  await as(lcts).send('recordPortfolioNavReport', { bookId: 'alpha', reportId: 'nav-2', reportedAssets: '90000000', reportedAt: '2026-01-03T00:00:00.000Z', units: [{ unitId: 'alpha-senior', nav: '80000000' }, { unitId: 'alpha-junior', nav: '10000000' }] })
  return {
    service,
    as,
    setNow: (iso) => void (now = new Date(iso)),
    redeemHalfJunior: async () => {
      now = new Date('2026-01-03T16:00:00Z')
      await as(lcts).send('recordPortfolioSettlement', { bookId: 'alpha', unitId: 'alpha-junior', epoch: '2026-01-03', settledAt: '2026-01-03T16:00:00.000Z', subscribed: '0', redeemedShares: '10000000', byPrime: [{ prime: prime.c, subscribed: '0', redeemedShares: '10000000' }] })
    },
  }
}
