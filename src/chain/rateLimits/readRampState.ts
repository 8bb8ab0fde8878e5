import { zeroAddress, type Address, type Hex } from 'viem'
import { InvalidInputError } from '../../domain/errors.js'
import { beamStateAbi, beamTimeLockAbi, configuratorAbi, rateLimitsAbi } from '../generated/index.js'
import type { ChainClients } from '../devnet.js'
import type { RateLimitSetting } from '../../domain/allocator/rampPlan.js'

export type ReadRampStateParameters = { configurator: Address; pau: Address; key: Hex }

/** Everything `planRamp` needs about one (PAU, key), read from the Configurator Unit. */
export type ReadRampStateReturnType = {
  current: RateLimitSetting
  init: RateLimitSetting | undefined
  lastIncreaseAt: bigint
  hopSeconds: bigint
  maxChangeBps: bigint
  timelockDelaySeconds: bigint
  now: bigint
}

export async function readRampState(clients: Pick<ChainClients, 'publicClient'>, p: ReadRampStateParameters): Promise<ReadRampStateReturnType> {
  const { publicClient } = clients
  const configurator = { address: p.configurator, abi: configuratorAbi } as const
  const [[controller, rateLimits], beamState, hopSeconds, maxChangeBps, timelock, block] = await Promise.all([
    publicClient.readContract({ ...configurator, functionName: 'pauContracts', args: [p.pau] }),
    publicClient.readContract({ ...configurator, functionName: 'beamState' }),
    publicClient.readContract({ ...configurator, functionName: 'hop' }),
    publicClient.readContract({ ...configurator, functionName: 'maxChange' }),
    publicClient.readContract({ ...configurator, functionName: 'timelock' }),
    publicClient.getBlock(),
  ])
  if (controller === zeroAddress) throw new InvalidInputError('the PAU is not registered with this Configurator', { details: p.pau })
  const hasInit = await publicClient.readContract({ address: beamState, abi: beamStateAbi, functionName: 'hasInitRateLimits', args: [p.key, p.pau] })
  // Without an init the next step is the timelocked init itself (its delay outlasts any hop),
  // so when the key was last raised does not matter; `maxIncrease` reverts then.
  const [[maxAmount, slope], [initMax, initSlope], [, , notBefore], delay] = await Promise.all([
    publicClient.readContract({ address: rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [p.key] }),
    hasInit
      ? publicClient.readContract({ address: beamState, abi: beamStateAbi, functionName: 'getInitRateLimits', args: [p.key, p.pau] })
      : Promise.resolve([0n, 0n] as const),
    hasInit ? publicClient.readContract({ ...configurator, functionName: 'maxIncrease', args: [p.pau, p.key] }) : Promise.resolve([0n, 0n, 0n] as const),
    publicClient.readContract({ address: timelock, abi: beamTimeLockAbi, functionName: 'getMinDelay' }),
  ])
  return {
    current: { maxAmount, slope },
    init: hasInit ? { maxAmount: initMax, slope: initSlope } : undefined,
    // maxIncrease answers "not before last + hop", 0 when the key was never raised.
    lastIncreaseAt: notBefore === 0n ? 0n : notBefore - hopSeconds,
    hopSeconds,
    maxChangeBps,
    timelockDelaySeconds: delay,
    now: block.timestamp,
  }
}
