import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { Address } from 'viem'
import { chainClientsFor } from '../chain/clients.js'
import { InvalidInputError } from '../domain/errors.js'
import { artifactHash, renderHaloArtifact, renderPortfolioHaloArtifact, renderPortfolioUnitArtifact, renderTradingHaloArtifact, renderTradingUnitArtifact, renderUnitArtifact } from '../factory/artifact.js'
import { anyHaloArtifactInput, findPortfolioUnit, findTradingPool, portfolioUnitArtifactInput, tradingUnitArtifactInput, unitArtifactInput } from '../factory/artifactSource.js'
import { createHttpClient, resolveSynomeToken } from '../synome/client/http.js'

/**
 * `halo artifact halo|unit <address>`: the Halo or Unit Artifact of a factory deployment as
 * markdown, from its metadata event and the factory's views. The sections the Halo writes come
 * from files (`--recourse`, `--migration`); without them they read "to be completed".
 * Term (an NFAT Facility, a Term class PAU) or Portfolio (a unit's token or either of its LCTS
 * queues, a Portfolio class PAU): the kind is the factory's record of it. A Portfolio unit's
 * warning signals are the ones the Synome records for it (`--synome`); without them that
 * section is to be completed too. Trading (a pool, its share token or either queue; with
 * `--trading-factory`, the TradingPoolFactory that deployed it): the pool's parameters, its
 * LIMIT_AMM_* inits, lpha-amm's roles and the alert codes lpha-amm raises. A Trading class PAU (its
 * template's kind in the registry; `--trading-factory` required): the Trading Halo Artifact, with
 * every pool of the class.
 */
type Flags = { rpc?: string; factory?: string; tradingFactory?: string; json?: boolean; recourse?: string; migration?: string; fromBlock?: string; synome?: string; token?: string }
const text = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file, 'utf8'))

export function register(program: Command): void {
  program
    .command('artifact <kind> <address>')
    .description('render the Halo Artifact (kind "halo", a class PAU) or Unit Artifact (kind "unit") as markdown, with its hash')
    .option('--rpc <url>', 'chain RPC (env HALO_RPC_URL, default http://127.0.0.1:8545)')
    .option('--factory <address>', 'HaloFactory (env HALO_FACTORY)')
    .option('--trading-factory <address>', 'TradingPoolFactory, for a Trading pool (env HALO_TRADING_FACTORY)')
    .option('--recourse <file>', 'the recourse section (unit: legal recourse), markdown')
    .option('--migration <file>', 'the migration section, markdown')
    .option('--from-block <n>', 'first block to scan for the metadata event', '0')
    .option('--synome <url>', 'Synome API: a Portfolio unit\'s recorded warning signals (env HALO_SYNOME_URL)')
    .option('--token <token>', 'Synome bearer token (env HALO_SYNOME_TOKEN)')
    .option('--json', 'print { kind, markdown, hash, recordedHash }')
    .action(async (kind: string, address: string, f: Flags) => {
      const factory = (f.factory ?? process.env.HALO_FACTORY) as Address | undefined
      if (!factory) throw new InvalidInputError('--factory <address> (or HALO_FACTORY) is required')
      const { publicClient } = await chainClientsFor(f.rpc ?? process.env.HALO_RPC_URL ?? 'http://127.0.0.1:8545')
      const fromBlock = BigInt(f.fromBlock ?? '0')
      let markdown: string
      let recordedHash: string | undefined
      let unitKind: 'term' | 'portfolio' | 'trading'
      if (kind === 'halo') {
        const tradingFactory = (f.tradingFactory ?? process.env.HALO_TRADING_FACTORY) as Address | undefined
        const found = await anyHaloArtifactInput({ publicClient, factory, pau: address as Address, tradingFactory, fromBlock })
        const written = { recourse: text(f.recourse), migration: text(f.migration) }
        markdown =
          found.kind === 'portfolio' ? renderPortfolioHaloArtifact({ ...found.input, ...written })
          : found.kind === 'trading' ? renderTradingHaloArtifact({ ...found.input, ...written })
          : renderHaloArtifact({ ...found.input, ...written })
        unitKind = found.kind
      } else if (kind === 'unit') {
        const written = { legalRecourse: text(f.recourse), migration: text(f.migration) }
        const tradingFactory = (f.tradingFactory ?? process.env.HALO_TRADING_FACTORY) as Address | undefined
        if (tradingFactory && (await findTradingPool({ publicClient, factory, tradingFactory, unit: address as Address, fromBlock }))) {
          const input = await tradingUnitArtifactInput({ publicClient, factory, tradingFactory, unit: address as Address, fromBlock })
          markdown = renderTradingUnitArtifact({ ...input, ...written })
          recordedHash = input.recordedArtifactHash
          unitKind = 'trading'
        } else if (await findPortfolioUnit({ publicClient, factory, unit: address as Address, fromBlock })) {
          const synomeUrl = f.synome ?? process.env.HALO_SYNOME_URL
          const synome = synomeUrl ? createHttpClient({ url: synomeUrl, token: resolveSynomeToken({ flag: f.token }) }) : undefined
          const input = await portfolioUnitArtifactInput({ publicClient, factory, unit: address as Address, fromBlock, synome })
          markdown = renderPortfolioUnitArtifact({ ...input, ...written })
          recordedHash = input.recordedArtifactHash
          unitKind = 'portfolio'
        } else {
          const input = await unitArtifactInput({ publicClient, factory, unit: address as Address, fromBlock })
          markdown = renderUnitArtifact({ ...input, ...written })
          recordedHash = input.recordedArtifactHash
          unitKind = 'term'
        }
      } else {
        throw new InvalidInputError('kind is "halo" or "unit"')
      }
      const hash = artifactHash(markdown)
      process.stdout.write(f.json ? `${JSON.stringify({ kind: unitKind, markdown, hash, recordedHash }, null, 2)}\n` : `${markdown}\n<!-- keccak256: ${hash} -->\n`)
    })
}
