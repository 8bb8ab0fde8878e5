/**
 * The world the Portfolio lpha-lcts process tests share (portfolioProcess.test.ts,
 * portfolioHa.test.ts): on anvil a Portfolio class with one book of one unit (CLO Senior) and
 * one Prime holding 100 000 USDS in its PAU; a Synome (PGlite) served over HTTP holding the
 * class and book records; the config a `halo beacon lcts` process of `"kind": "portfolioClass"`
 * runs with (the devnet manager, 8 % a year, redemptions T+1).
 */
import { keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { readChainBook } from '../../../src/chain/portfolio.js'
import { createInProcessClient } from '../../../src/synome/client/index.js'
import { PORTFOLIO_COMMANDS } from '../../../src/synome/commands/portfolio/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { Devnet } from '../../fixtures/devnet.js'
import { actions, deployWorld, usd } from '../../portfolio/world.js'
import { serveSynomeHttp } from '../../support/beaconProcess.js'

export const DAY = 86_400_000
export const HOUR = 3_600_000
export const START = Date.parse('2027-01-04T00:00:00Z')
export const settlerKey = keccak256(toHex('portfolio-lpha-lcts')) // world.ts key('lpha-lcts')
export const managerKey = keccak256(toHex('portfolio-manager')) // world.ts key('manager')
export const council = privateKeyToAccount(keccak256(toHex('portfolio-council')))
export const epochOf = (day: number) => new Date(START + day * DAY).toISOString().slice(0, 10)

/**
 * Deploys the world and opens the Synome at the book's opening time. `clock` is the Synome's
 * clock: `now` reads it, `set` moves it (the caller's chain-time variable).
 */
export async function deployPortfolioProcessWorld(devnet: Devnet, clock: { now: () => Date; set: (ms: number) => void }) {
  const w = await deployWorld(devnet, { primes: 1, primeLimit: usd('50000'), books: [{ accrualSeconds: 86_400, units: [{ name: 'CLO Senior', symbol: 'CLO-S', rank: 0 }] }] })
  const a = actions(devnet, w)
  await a.mint(w.primes[0]!.pau.proxy, usd('100000'))
  const synome = await createSynome({
    dataDir: null,
    clock: clock.now,
    commands: [...PORTFOLIO_COMMANDS],
    roles: [
      { address: w.settler.address.toLowerCase(), role: 'lcts', haloClasses: ['*'] },
      { address: council.address.toLowerCase(), role: 'council', haloClasses: ['*'] },
    ],
  })
  const server = await serveSynomeHttp(synome)
  const openedAtMs = (await readChainBook(devnet.publicClient, w.haloClass, 0n)).lastReportMs
  clock.set(openedAtMs)
  const councilClient = createInProcessClient({ service: synome, account: council, clock: clock.now })
  await councilClient.send('createPortfolioClass', { classId: 'clo', name: 'CLO' }, { idempotencyKey: 'class' })
  await councilClient.send('createPortfolioBook', { classId: 'clo', bookId: 'clo', accrualSeconds: 86_400, units: [{ unitId: 'clo-senior', rank: 0, yield: { kind: 'residual' }, warningSignals: {} }] }, { idempotencyKey: 'book' })
  return { w, a, synome, server, openedAtMs }
}
export type PortfolioProcessWorld = Awaited<ReturnType<typeof deployPortfolioProcessWorld>>

/** The process's config (`extra`: its state directory, interval, `ha`). */
export function portfolioBeaconConfig(devnet: Devnet, world: Pick<PortfolioProcessWorld, 'w' | 'server'>, extra: Record<string, unknown>) {
  const { w, server } = world
  return {
    kind: 'portfolioClass', classId: 'clo', bookId: 'clo', chainBookId: 0,
    rpcUrl: devnet.rpcUrl, privateKey: settlerKey, synome: { url: server.url },
    chain: { haloClass: w.haloClass, usds: w.usds, finalityDepth: 0 },
    pau: { controller: w.classPau.controller, rateLimits: w.classPau.rateLimits, almProxy: w.classPau.proxy },
    managerEndpoint: w.manager.address,
    units: [{ unitId: 'clo-senior', chainUnitId: Number(w.units[0]!.unitId), maxNav: '500000' }],
    manager: { kind: 'simulator', openedAt: new Date(START).toISOString(), annualYieldBps: 800, redemptionDelaySeconds: 86_400, endpointPrivateKey: managerKey },
    settleWindowSeconds: 3600,
    ...extra,
  }
}
