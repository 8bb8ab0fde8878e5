import { encodeFunctionData, parseEventLogs, type Abi, type Account, type Address, type ContractFunctionArgs, type ContractFunctionName, type Hex } from 'viem'
import { beamTimeLockAbi } from './generated/index.js'
import { writeAndWait, type ChainClients } from './devnet.js'

const ZERO = '0x0000000000000000000000000000000000000000000000000000000000000000' as const

/** One call routed through the BEAMTimeLock. */
export type TimelockCall = { target: Address; data: Hex; value?: bigint; salt?: Hex }

export function encodeCall<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>,
>(
  target: Address,
  parameters: { abi: abi; functionName: functionName; args: ContractFunctionArgs<abi, 'nonpayable' | 'payable', functionName> },
): TimelockCall {
  return { target, data: encodeFunctionData(parameters as never) }
}

/** The operation id the timelock assigns to a call (for isOperationReady/cancel). */
export async function timelockOperationId(clients: ChainClients, timelock: Address, call: TimelockCall): Promise<Hex> {
  return clients.publicClient.readContract({
    address: timelock,
    abi: beamTimeLockAbi,
    functionName: 'hashOperation',
    args: [call.target, call.value ?? 0n, call.data, ZERO, call.salt ?? ZERO],
  })
}

export async function scheduleCall(clients: ChainClients, p: { timelock: Address; proposer: Account; call: TimelockCall; delaySeconds: bigint }) {
  const { call } = p
  return writeAndWait(clients, p.proposer, {
    address: p.timelock,
    abi: beamTimeLockAbi,
    functionName: 'schedule',
    args: [call.target, call.value ?? 0n, call.data, ZERO, call.salt ?? ZERO, p.delaySeconds],
  })
}

export async function executeCall(clients: ChainClients, p: { timelock: Address; executor: Account; call: TimelockCall }) {
  const { call } = p
  return writeAndWait(clients, p.executor, {
    address: p.timelock,
    abi: beamTimeLockAbi,
    functionName: 'execute',
    args: [call.target, call.value ?? 0n, call.data, ZERO, call.salt ?? ZERO],
  })
}

/** One operation as the timelock's events describe it (a single `schedule` or a `scheduleBatch`). */
export type ScheduledOperation = {
  id: Hex
  kind: 'single' | 'batch'
  calls: Array<{ target: Address; value: bigint; data: Hex }>
  predecessor: Hex
  salt: Hex
  delaySeconds: bigint
  scheduledBlock: bigint
}

/** Bound on operations read in one call: a timelock schedules a handful per Halo, not thousands. */
export const MAX_OPERATIONS = 10_000

/**
 * Every operation scheduled in `timelock` from `fromBlock`, rebuilt from CallScheduled and
 * CallSalt events (what OpenZeppelin emits; the call data is nowhere else on chain). Whether
 * the id is a batch's or a single call's is decided by rehashing, so `execute` sends exactly
 * what was scheduled.
 */
export async function scheduledOperations(clients: ChainClients, p: { timelock: Address; fromBlock?: bigint }): Promise<ScheduledOperation[]> {
  const logs = await clients.publicClient.getLogs({ address: p.timelock, fromBlock: p.fromBlock ?? 0n, toBlock: 'latest' })
  const events = parseEventLogs({ abi: beamTimeLockAbi, logs, eventName: ['CallScheduled', 'CallSalt'] })
  const byId = new Map<Hex, { calls: Array<{ index: bigint; target: Address; value: bigint; data: Hex }>; predecessor: Hex; salt: Hex; delaySeconds: bigint; scheduledBlock: bigint }>()
  for (const event of events) {
    const id = event.args.id
    let entry = byId.get(id)
    if (!entry) {
      if (byId.size >= MAX_OPERATIONS) throw new RangeError(`more than ${MAX_OPERATIONS} timelock operations from block ${p.fromBlock ?? 0n}: pass a later --from-block`)
      entry = { calls: [], predecessor: ZERO, salt: ZERO, delaySeconds: 0n, scheduledBlock: event.blockNumber }
      byId.set(id, entry)
    }
    if (event.eventName === 'CallSalt') entry.salt = event.args.salt
    else {
      entry.calls.push({ index: event.args.index, target: event.args.target, value: event.args.value, data: event.args.data })
      entry.predecessor = event.args.predecessor
      entry.delaySeconds = event.args.delay
    }
  }
  const operations: ScheduledOperation[] = []
  for (const [id, entry] of byId) {
    if (entry.calls.length === 0) continue // a salt without calls: not an operation
    entry.calls.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0))
    const calls = entry.calls.map(({ target, value, data }) => ({ target, value, data }))
    const batchId = await clients.publicClient.readContract({
      address: p.timelock,
      abi: beamTimeLockAbi,
      functionName: 'hashOperationBatch',
      args: [calls.map((c) => c.target), calls.map((c) => c.value), calls.map((c) => c.data), entry.predecessor, entry.salt],
    })
    const kind = batchId.toLowerCase() === id.toLowerCase() ? 'batch' : 'single'
    operations.push({ id, kind, calls, predecessor: entry.predecessor, salt: entry.salt, delaySeconds: entry.delaySeconds, scheduledBlock: entry.scheduledBlock })
  }
  return operations
}

/** The stored timestamp of an operation (0 unset/cancelled, 1 done, else ready-at). */
export async function operationTimestamp(clients: ChainClients, p: { timelock: Address; id: Hex }): Promise<bigint> {
  return clients.publicClient.readContract({ address: p.timelock, abi: beamTimeLockAbi, functionName: 'getTimestamp', args: [p.id] })
}

/** The timelock call that executes `operation` exactly as it was scheduled (batch or single). */
export function executeParameters(timelock: Address, operation: ScheduledOperation) {
  const { calls, predecessor, salt } = operation
  if (operation.kind === 'single') {
    const call = calls[0]!
    return { address: timelock, abi: beamTimeLockAbi, functionName: 'execute', args: [call.target, call.value, call.data, predecessor, salt] } as const
  }
  return {
    address: timelock,
    abi: beamTimeLockAbi,
    functionName: 'executeBatch',
    args: [calls.map((c) => c.target), calls.map((c) => c.value), calls.map((c) => c.data), predecessor, salt],
  } as const
}

/** Execute a scheduled operation as `executor` (an aBEAM holding EXECUTOR_ROLE). */
export async function executeOperation(clients: ChainClients, p: { timelock: Address; executor: Account; operation: ScheduledOperation }) {
  return writeAndWait(clients, p.executor, executeParameters(p.timelock, p.operation) as never)
}

/** Execute the operation `id` scheduled from `fromBlock` (the factory's batches, an init). */
export async function executeScheduled(clients: ChainClients, p: { timelock: Address; executor: Account; id: Hex; fromBlock: bigint }) {
  const operation = (await scheduledOperations(clients, { timelock: p.timelock, fromBlock: p.fromBlock })).find((o) => o.id.toLowerCase() === p.id.toLowerCase())
  if (!operation) throw new RangeError(`no operation ${p.id} scheduled in ${p.timelock} from block ${p.fromBlock}`)
  return executeOperation(clients, { timelock: p.timelock, executor: p.executor, operation })
}
