import type { Command } from 'commander'
import type { Address, Hex } from 'viem'
import { chainClientsFor } from '../chain/clients.js'
import { allErrorsAbi } from '../chain/generated/index.js'
import { executeOperation, executeParameters, operationTimestamp, scheduledOperations, type ScheduledOperation } from '../chain/timelock.js'
import { InvalidInputError } from '../domain/errors.js'
import { assertExecutable, timelockOperationState, TimelockOperationUnknownError, type TimelockOperationState } from '../domain/timelock.js'
import { signer } from './risk.js'

/**
 * `halo timelock list|execute`: what is scheduled in a BEAMTimeLock (the factory's registration
 * batches, template approvals, rate-limit inits) and, once its delay has passed, executing it
 * as an aBEAM. The last step of the onboarding sequence in docs/factory.md.
 */
type Flags = { rpc?: string; timelock?: string; fromBlock: string; json?: boolean; key?: string; dryRun?: boolean }
const DEFAULT_RPC = 'http://127.0.0.1:8545'
const out = (text: string) => void process.stdout.write(`${text}\n`)
const json = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)

function timelockOf(f: Flags): Address {
  const value = f.timelock ?? process.env.HALO_TIMELOCK
  if (!value || !/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidInputError('--timelock <address> (or HALO_TIMELOCK) is required')
  return value as Address
}

function fromBlockOf(f: Flags): bigint {
  if (!/^\d+$/.test(f.fromBlock)) throw new InvalidInputError('--from-block takes a block number')
  return BigInt(f.fromBlock)
}

function common(command: Command): Command {
  return command
    .option('--rpc <url>', `chain RPC (env HALO_RPC_URL, default ${DEFAULT_RPC})`)
    .option('--timelock <address>', 'the BEAMTimeLock (env HALO_TIMELOCK)')
    .option('--from-block <n>', 'first block to scan for scheduled operations', '0')
    .option('--json', 'machine-readable output')
}

type Row = { operation: ScheduledOperation; status: TimelockOperationState }

async function rows(f: Flags): Promise<{ rows: Row[]; now: bigint; clients: Awaited<ReturnType<typeof chainClientsFor>>; timelock: Address }> {
  const clients = await chainClientsFor(f.rpc ?? process.env.HALO_RPC_URL ?? DEFAULT_RPC)
  const timelock = timelockOf(f)
  const [operations, now] = await Promise.all([scheduledOperations(clients, { timelock, fromBlock: fromBlockOf(f) }), clients.publicClient.getBlock().then((b) => b.timestamp)])
  const result: Row[] = []
  for (const operation of operations) {
    result.push({ operation, status: timelockOperationState({ timestamp: await operationTimestamp(clients, { timelock, id: operation.id }), now }) })
  }
  return { rows: result, now, clients, timelock }
}

const describeStatus = (s: TimelockOperationState) =>
  s.state === 'pending' ? `pending (ready in ${s.waitSeconds} s)` : s.state === 'unset' ? 'cancelled' : s.state

export function register(program: Command): void {
  const timelock = program.command('timelock').description('BEAM timelock: scheduled operations and their execution by an aBEAM')

  common(timelock.command('list'))
    .description('every operation scheduled from --from-block: id, batch or single, calls, state (pending/ready/done/cancelled)')
    .action(async (f: Flags) => {
      const { rows: list, now } = await rows(f)
      if (f.json) return out(json({ now, operations: list.map(({ operation, status }) => ({ ...operation, ...status })) }))
      if (list.length === 0) return out('no operations scheduled')
      for (const { operation, status } of list) {
        out(`${operation.id} ${operation.kind.padEnd(6)} ${String(operation.calls.length).padStart(3)} call(s)  ${describeStatus(status)}`)
        for (const call of operation.calls) out(`    → ${call.target} ${call.data.slice(0, 10)}`)
      }
    })

  common(timelock.command('execute <id>'))
    .description('execute a ready operation (refused, sending nothing, when unknown, cancelled, pending or done)')
    .option('--key <file|hex>', 'aBEAM signing key holding EXECUTOR_ROLE (env HALO_KEY)')
    .option('--dry-run', 'check and simulate only: send nothing')
    .action(async (id: string, f: Flags) => {
      if (!/^0x[0-9a-fA-F]{64}$/.test(id)) throw new InvalidInputError('the operation id is a 32-byte hex value')
      const { rows: list, clients, timelock: address } = await rows(f)
      const row = list.find((r) => r.operation.id.toLowerCase() === id.toLowerCase())
      if (!row) throw new TimelockOperationUnknownError('no such operation is scheduled in this timelock', { details: `${id} from block ${f.fromBlock}` })
      assertExecutable(id, row.status)
      const executor = signer(f.key)
      if (f.dryRun) {
        const parameters = executeParameters(address, row.operation)
        await clients.publicClient.simulateContract({ ...parameters, abi: [...parameters.abi, ...allErrorsAbi], account: executor } as never)
        return out(f.json ? json({ dryRun: true, id, kind: row.operation.kind, calls: row.operation.calls.length }) : `dry run: ${id} is ready; would execute ${row.operation.calls.length} call(s) as ${executor.address}`)
      }
      const receipt = await executeOperation(clients, { timelock: address, executor, operation: row.operation })
      out(f.json ? json({ id, executed: true, tx: receipt.transactionHash as Hex }) : `executed ${id} (${row.operation.calls.length} call(s), tx ${receipt.transactionHash})`)
    })
}
