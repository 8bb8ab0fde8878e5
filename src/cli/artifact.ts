import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { Address } from 'viem'
import { chainClientsFor } from '../chain/clients.js'
import { InvalidInputError } from '../domain/errors.js'
import { artifactHash, renderHaloArtifact, renderUnitArtifact } from '../factory/artifact.js'
import { haloArtifactInput, unitArtifactInput } from '../factory/artifactSource.js'

/**
 * `halo artifact halo|unit <address>`: the Halo or Unit Artifact of a factory deployment as
 * markdown, from its metadata event and the factory's views. The sections the Halo writes come
 * from files (`--recourse`, `--migration`); without them they read "to be completed".
 */
type Flags = { rpc?: string; factory?: string; json?: boolean; recourse?: string; migration?: string; fromBlock?: string }
const text = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file, 'utf8'))

export function register(program: Command): void {
  program
    .command('artifact <kind> <address>')
    .description('render the Halo Artifact (kind "halo", a class PAU) or Unit Artifact (kind "unit") as markdown, with its hash')
    .option('--rpc <url>', 'chain RPC (env HALO_RPC_URL, default http://127.0.0.1:8545)')
    .option('--factory <address>', 'HaloFactory (env HALO_FACTORY)')
    .option('--recourse <file>', 'the recourse section (unit: legal recourse), markdown')
    .option('--migration <file>', 'the migration section, markdown')
    .option('--from-block <n>', 'first block to scan for the metadata event', '0')
    .option('--json', 'print { markdown, hash, recordedHash }')
    .action(async (kind: string, address: string, f: Flags) => {
      const factory = (f.factory ?? process.env.HALO_FACTORY) as Address | undefined
      if (!factory) throw new InvalidInputError('--factory <address> (or HALO_FACTORY) is required')
      const { publicClient } = await chainClientsFor(f.rpc ?? process.env.HALO_RPC_URL ?? 'http://127.0.0.1:8545')
      const fromBlock = BigInt(f.fromBlock ?? '0')
      let markdown: string
      let recordedHash: string | undefined
      if (kind === 'halo') {
        const input = await haloArtifactInput({ publicClient, factory, pau: address as Address, fromBlock })
        markdown = renderHaloArtifact({ ...input, recourse: text(f.recourse), migration: text(f.migration) })
      } else if (kind === 'unit') {
        const input = await unitArtifactInput({ publicClient, factory, unit: address as Address, fromBlock })
        markdown = renderUnitArtifact({ ...input, legalRecourse: text(f.recourse), migration: text(f.migration) })
        recordedHash = input.recordedArtifactHash
      } else {
        throw new InvalidInputError('kind is "halo" or "unit"')
      }
      const hash = artifactHash(markdown)
      process.stdout.write(f.json ? `${JSON.stringify({ markdown, hash, recordedHash }, null, 2)}\n` : `${markdown}\n<!-- keccak256: ${hash} -->\n`)
    })
}
