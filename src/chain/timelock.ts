import { encodeFunctionData, type Abi, type Account, type Address, type ContractFunctionArgs, type ContractFunctionName, type Hex } from 'viem'
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
