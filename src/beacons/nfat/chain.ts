import { encodeFunctionData, getAbiItem, getAddress, parseEventLogs, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem'
import { LIMIT, rateLimitKey } from '../../domain/rateLimits.js'
import type { QueueBalance } from '../../domain/sleevePolicy.js'
import { controllerAbi, nfatFacilityAbi, rateLimitsAbi, usdcAbi } from '../../chain/generated/index.js'
import { finalizedLogs, type ChainEventRef } from '../shared/finality.js'
import type { ChainCall } from './policy.js'
import { attestationSleeveKey } from '../../chain/attestation.js'

/**
 * What lpha-nfat reads from and sends to the chain for one Halo class: the NFAT Facility
 * (queue, claims, burns) and the Halo PAU (PSM, the attestation-gated off-ramp
 * `transferForSleeve`, redeem funding). The
 * beacon's key is the facility's claimer and the Controller's relayer (its pBEAM).
 */
export type NfatChainConfig = {
  facility: Address
  controller: Address
  rateLimits: Address
  almProxy: Address
  usdc: Address
  /** The Halo's off-ramp endpoint (allow-listed by its LIMIT_SLEEVE_OFFRAMP rate limit). */
  offRamp: Address
  /** First block to scan for facility events (deployment block). */
  fromBlock: bigint
  finalityDepth: number
}

export type ClaimedEvent = { ref: ChainEventRef; tokenId: bigint; depositor: Address; amount: bigint }
export type RedeemedEvent = { ref: ChainEventRef; tokenId: bigint; holder: Address; paid: bigint }

const claimedEvent = getAbiItem({ abi: nfatFacilityAbi, name: 'Claimed' })
const redeemedEvent = getAbiItem({ abi: nfatFacilityAbi, name: 'Redeemed' })
const depositedEvent = getAbiItem({ abi: nfatFacilityAbi, name: 'Deposited' })

export function createNfatChain(publicClient: PublicClient<Transport, Chain>, config: NfatChainConfig) {
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>

  return {
    config,
    chainId: publicClient.chain.id,

    async nextTokenId(): Promise<bigint> {
      return read<bigint>(config.facility, nfatFacilityAbi, 'nextTokenId')
    },

    /** Queued balances of every depositor that ever deposited, in first-deposit order (zero balances dropped). */
    async queueBalances(): Promise<QueueBalance[]> {
      const logs = await publicClient.getLogs({ address: config.facility, event: depositedEvent, fromBlock: config.fromBlock, toBlock: 'latest', strict: true })
      const depositors = [...new Set(logs.map((log) => getAddress(log.args.depositor)))]
      const balances = await Promise.all(depositors.map(async (depositor) => ({ depositor, amount: await read<bigint>(config.facility, nfatFacilityAbi, 'queuedBalanceOf', [depositor]) })))
      return balances.filter((b) => b.amount > 0n)
    },

    async claimCapacity(): Promise<bigint> {
      return read<bigint>(config.facility, nfatFacilityAbi, 'claimCapacity')
    },

    async offRampCapacity(): Promise<bigint> {
      return read<bigint>(config.rateLimits, rateLimitsAbi, 'getCurrentRateLimit', [rateLimitKey(LIMIT.SLEEVE_OFFRAMP, config.usdc, config.offRamp)])
    },

    async claimed(): Promise<ClaimedEvent[]> {
      const { logs } = await finalizedLogs({ publicClient, address: config.facility, event: claimedEvent, fromBlock: config.fromBlock, finalityDepth: config.finalityDepth })
      return logs.map(({ ref, args }) => ({ ref, tokenId: args.tokenId as bigint, depositor: getAddress(args.depositor as Address), amount: args.amount as bigint }))
    },

    async redeemed(): Promise<RedeemedEvent[]> {
      const { logs } = await finalizedLogs({ publicClient, address: config.facility, event: redeemedEvent, fromBlock: config.fromBlock, finalityDepth: config.finalityDepth })
      return logs.map(({ ref, args }) => ({ ref, tokenId: args.tokenId as bigint, holder: getAddress(args.holder as Address), paid: args.paid as bigint }))
    },

    /** USDC delivered to the ALMProxy by `txHash` (an on-ramp), counted only once final. */
    async usdcDeliveredBy(txHash: Hex): Promise<bigint | undefined> {
      const receipt = await publicClient.getTransactionReceipt({ hash: txHash }).catch(() => undefined)
      if (!receipt || receipt.status !== 'success') return undefined
      const head = await publicClient.getBlockNumber({ cacheTime: 0 })
      if (head - receipt.blockNumber < BigInt(config.finalityDepth)) return undefined
      const transfers = parseEventLogs({ abi: usdcAbi, eventName: 'Transfer', logs: receipt.logs }).filter((log) => getAddress(log.address) === getAddress(config.usdc) && getAddress(log.args.to) === getAddress(config.almProxy))
      return transfers.reduce((sum, log) => sum + log.args.value, 0n)
    },

    claimCall(depositor: Address, amount: bigint): { to: Address; data: Hex } {
      return { to: config.facility, data: encodeFunctionData({ abi: nfatFacilityAbi, functionName: 'claim', args: [depositor, amount] }) }
    },

    encode(call: ChainCall): { to: Address; data: Hex } {
      const data = (() => {
        switch (call.fn) {
          case 'swapUSDSToUSDC':
            return encodeFunctionData({ abi: controllerAbi, functionName: 'swapUSDSToUSDC', args: [call.usdsAmount] })
          case 'swapUSDCToUSDS':
            return encodeFunctionData({ abi: controllerAbi, functionName: 'swapUSDCToUSDS', args: [call.usdcAmount] })
          case 'transferForSleeve':
            return encodeFunctionData({ abi: controllerAbi, functionName: 'transferForSleeve', args: [attestationSleeveKey(call.sleeveId), BigInt(call.round), config.usdc, config.offRamp, call.usdcAmount] })
          case 'fundRedeem':
            return encodeFunctionData({ abi: controllerAbi, functionName: 'fundRedeem', args: [config.facility, call.tokenId, call.principalAmount, call.interestAmount] })
        }
      })()
      return { to: config.controller, data }
    },
  }
}

export type NfatChain = ReturnType<typeof createNfatChain>
