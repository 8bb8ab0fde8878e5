/**
 * The inputs of a deployed class's or unit's artifact, read from the factory (its metadata
 * events and views): what `halo artifact` renders and `halo day0` compares with.
 */
import { getAddress, hexToString, type Address, type Chain, type PublicClient, type Transport } from 'viem'
import { haloFactoryAbi } from '../chain/generated/index.js'
import type { HaloArtifactInput, UnitArtifactInput } from './artifact.js'
import { FactoryError } from './errors.js'
import { readFactoryDeployments } from './reader.js'

export const templateNameOf = (templateId: `0x${string}`) => hexToString(templateId, { size: 32 }).replace(/\0+$/, '')

export async function haloArtifactInput(p: { publicClient: PublicClient<Transport, Chain>; factory: Address; pau: Address; fromBlock?: bigint }): Promise<HaloArtifactInput> {
  const { classes } = await readFactoryDeployments({ publicClient: p.publicClient, factory: p.factory, fromBlock: p.fromBlock ?? 0n, finalityDepth: 0 })
  const c = classes.find((r) => r.pau === p.pau.toLowerCase())
  if (!c) throw new FactoryError(`${p.pau} is not a class of the factory ${p.factory}`)
  const read = (functionName: 'timelock' | 'configurator') => p.publicClient.readContract({ address: p.factory, abi: haloFactoryAbi, functionName })
  return {
    templateName: templateNameOf(c.templateId as `0x${string}`),
    templateVersion: c.templateVersion,
    chainId: p.publicClient.chain.id,
    factory: c.factory,
    pau: c.pau,
    controller: c.controller,
    rateLimits: c.rateLimits,
    timelock: (await read('timelock')).toLowerCase(),
    configurator: (await read('configurator')).toLowerCase(),
    govOps: c.govOps,
    beaconOperator: c.beaconOperator,
    freezer: c.freezer,
    swapRateLimit: BigInt(c.swapRateLimit),
    timelockDelaySeconds: BigInt(c.timelockDelaySeconds),
  }
}

export async function unitArtifactInput(p: { publicClient: PublicClient<Transport, Chain>; factory: Address; unit: Address; fromBlock?: bigint }): Promise<UnitArtifactInput & { recordedArtifactHash: string }> {
  const { units, classes } = await readFactoryDeployments({ publicClient: p.publicClient, factory: p.factory, fromBlock: p.fromBlock ?? 0n, finalityDepth: 0 })
  const u = units.find((r) => r.unit === p.unit.toLowerCase())
  const c = u && classes.find((r) => r.pau === u.pau)
  if (!u || !c) throw new FactoryError(`${p.unit} is not a unit of the factory ${p.factory}`)
  return {
    templateName: templateNameOf(u.templateId as `0x${string}`),
    templateVersion: u.templateVersion,
    chainId: p.publicClient.chain.id,
    unit: getAddress(u.unit),
    pau: u.pau,
    beaconOperator: c.beaconOperator,
    freezer: c.freezer,
    govOps: c.govOps,
    capacity: BigInt(u.capacity),
    seniority: BigInt(u.seniority),
    yieldBps: BigInt(u.yieldBps),
    termSeconds: BigInt(u.termSeconds),
    buyboxMinTicket: BigInt(u.buyboxMinTicket),
    buyboxMaxTicket: BigInt(u.buyboxMaxTicket),
    firstTokenId: BigInt(u.firstTokenId),
    name: u.name,
    symbol: u.symbol,
    recordedArtifactHash: u.artifactHash,
  }
}
