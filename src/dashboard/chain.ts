import { BaseError as ViemBaseError, ContractFunctionRevertedError, decodeFunctionData, getAbiItem, toFunctionSelector, type Abi, type Address, type Hex, type PublicClient } from 'viem'
import { beamStateAbi, beamTimeLockAbi, configuratorAbi, lctsHoldingSystemAbi, lctsQueueAbi, lctsTokenAbi, nfatFacilityAbi, rateLimitsAbi } from '../chain/generated/index.js'
import { formatUnitsExact, USDC_DECIMALS, USDS_DECIMALS } from '../domain/money.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../domain/rateLimits.js'

/**
 * What the dashboard reads on chain, read-only: an NFAT's on-chain facts, every PAU rate-limit
 * key with its live figures and SORL headroom, and the timelock's pending operations. Every
 * figure is the contract's own view (getCurrentRateLimit, maxIncrease, getTimestamp), never
 * recomputed here, so the page shows what the chain says.
 */
export type DashboardContracts = {
  /** The PAU's identifier in the Configurator (its ALMProxy). */
  pau?: string | undefined
  rateLimits?: string | undefined
  configurator?: string | undefined
  beamState?: string | undefined
  timelock?: string | undefined
  /** Named addresses used to label rate-limit keys (facility, usdc, usds, offRamp, …). */
  [name: string]: string | undefined
}

export type NfatFacts =
  | { exists: false; facility: string; tokenId: string }
  | { exists: true; facility: string; tokenId: string; owner: string; depositor: string; principal: string; mintedAt: string; fundedAmount: string; principalPaid: string }

export type RateLimitRow = {
  key: Hex
  /** e.g. "NFAT_CLAIM(facility)", or null for a key this dashboard cannot name. */
  label: string | null
  /** Denomination of the key's amounts, when known from its label. */
  token: 'USDS' | 'USDC' | null
  decimals: number
  unlimited: boolean
  /** Exact decimal strings in `token` (base units / 10^decimals). */
  maxAmount: string
  available: string
  /** Refill per second. */
  slopePerSecond: string
  lastUpdated: string
  /** SORL headroom: the most the Configurator accepts now and from when (ISO; null = no cooldown). */
  sorl: { nextMaxAmount: string; nextSlopePerSecond: string; notBefore: string | null; allowedNow: boolean } | { error: string } | null
}

export type TimelockOperation = { id: Hex; index: string; target: Address; targetName: string | null; call: string; value: string; delaySeconds: string; eta: string; ready: boolean; scheduledBlock: string; txHash: Hex }

export type RateLimitsView = {
  block: string
  chainTime: string
  rateLimits: string | null
  keys: RateLimitRow[]
  sorl: { hopSeconds: string; maxChangeBps: string } | null
  timelock: { address: string; minDelaySeconds: string; pending: TimelockOperation[] } | null
  /** Why a section is empty (no address configured). */
  notes: string[]
}

/** One LCTS queue as its contract reports it (base units). */
export type LctsQueueFacts = { status: 'DORMANT' | 'ACTIVE' | 'LOCKED'; generationId: bigint; totalShares: bigint; totalUnderlying: bigint; dustThreshold: bigint }
export type LctsPairAddresses = { subscribeQueue: Address; redeemQueue: Address; holdingSystem: Address; token: Address }
export type LctsPairFacts = { block: bigint; chainTimeSeconds: bigint; subscribe: LctsQueueFacts; redeem: LctsQueueFacts; exchangeRateWad: bigint; tokenSupply: bigint }

export interface DashboardChain {
  nfat(facility: Address, tokenId: bigint): Promise<NfatFacts>
  rateLimits(contracts: DashboardContracts): Promise<RateLimitsView>
  /** An LCTS pair's queues, exchange rate and token supply, all at one block. */
  lctsPair(addresses: LctsPairAddresses): Promise<LctsPairFacts>
}

const LCTS_STATUS = ['DORMANT', 'ACTIVE', 'LOCKED'] as const

const GONE = new Set(['UnknownToken', 'AlreadyRedeemed', 'ERC721NonexistentToken'])
const FUND_SELECTOR = toFunctionSelector('fund(uint256,uint256,uint256,uint256)')
/** Bound on rate-limit keys and timelock operations listed. */
const MAX_ROWS = 500

const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z')

function revertName(error: unknown): string | undefined {
  const reverted = error instanceof ViemBaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined
}

/**
 * Names for rate-limit keys: every LIMIT action on its own, on each named address, and on each
 * (asset, target) pair of named addresses, plus the redeem-funding call (`fund`) on each pair.
 */
export function rateLimitKeyLabels(named: Readonly<Record<string, string | undefined>>): Map<string, { label: string; token: 'USDS' | 'USDC' | null }> {
  const labels = new Map<string, { label: string; token: 'USDS' | 'USDC' | null }>()
  const addresses = Object.entries(named).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && /^0x[0-9a-fA-F]{40}$/.test(entry[1]))
  const tokenOf = (name: string): 'USDS' | 'USDC' | null => (name === 'usdc' ? 'USDC' : name === 'usds' ? 'USDS' : null)
  for (const [action, hash] of Object.entries(LIMIT)) {
    const defaultToken = action === 'ASSET_TRANSFER' || action === 'APPROVE_AND_CALL' ? null : 'USDS'
    labels.set(hash.toLowerCase(), { label: action, token: defaultToken })
    for (const [name, address] of addresses) {
      labels.set(rateLimitKey(hash, address as Address).toLowerCase(), { label: `${action}(${name})`, token: defaultToken })
      for (const [targetName, target] of addresses) {
        if (target === address) continue
        labels.set(rateLimitKey(hash, address as Address, target as Address).toLowerCase(), { label: `${action}(${name} → ${targetName})`, token: tokenOf(name) ?? defaultToken })
        if (action === 'APPROVE_AND_CALL') labels.set(rateLimitKey(hash, address as Address, target as Address, FUND_SELECTOR).toLowerCase(), { label: `${action}(${name} → ${targetName}.fund)`, token: tokenOf(name) })
      }
    }
  }
  return labels
}

/** A timelocked call as readable text: `Configurator.setRateLimit(…)` when the calldata decodes with a known ABI. */
export function describeCall(data: Hex, targetName: string | null): string {
  for (const [name, abi] of [['Configurator', configuratorAbi], ['BEAMState', beamStateAbi], ['BEAMTimeLock', beamTimeLockAbi]] as const) {
    try {
      const decoded = decodeFunctionData({ abi: abi as Abi, data })
      const args = (decoded.args ?? []).map((a) => (typeof a === 'bigint' ? (a === UNLIMITED ? 'max' : a.toString()) : String(a)))
      return `${targetName ?? name}.${decoded.functionName}(${args.join(', ')})`
    } catch {
      // not this ABI
    }
  }
  return `${targetName ?? 'call'} ${data.slice(0, 10)}`
}

export function createDashboardChain(client: PublicClient, options: { fromBlock?: bigint } = {}): DashboardChain {
  const fromBlock = options.fromBlock ?? 0n
  return {
    async lctsPair(addresses) {
      const block = await client.getBlock()
      const at = { blockNumber: block.number }
      const queue = async (address: Address): Promise<LctsQueueFacts> => {
        const q = { address, abi: lctsQueueAbi, ...at } as const
        const [status, generationId, totalShares, totalUnderlying, dustThreshold] = await Promise.all([
          client.readContract({ ...q, functionName: 'status' }),
          client.readContract({ ...q, functionName: 'currentGenerationId' }),
          client.readContract({ ...q, functionName: 'totalShares' }),
          client.readContract({ ...q, functionName: 'totalUnderlying' }),
          client.readContract({ ...q, functionName: 'dustThreshold' }),
        ])
        return { status: LCTS_STATUS[Number(status)]!, generationId: BigInt(generationId), totalShares, totalUnderlying, dustThreshold }
      }
      const [subscribe, redeem, exchangeRateWad, tokenSupply] = await Promise.all([
        queue(addresses.subscribeQueue),
        queue(addresses.redeemQueue),
        client.readContract({ address: addresses.holdingSystem, abi: lctsHoldingSystemAbi, functionName: 'exchangeRateWad', ...at }),
        client.readContract({ address: addresses.token, abi: lctsTokenAbi, functionName: 'totalSupply', ...at }),
      ])
      return { block: block.number, chainTimeSeconds: block.timestamp, subscribe, redeem, exchangeRateWad, tokenSupply }
    },
    async nfat(facility, tokenId) {
      const base = { facility, tokenId: tokenId.toString() }
      try {
        const [[unitFacility, principal, depositor, mintedAt], owner, [fundedAmount, principalPaid]] = await Promise.all([
          client.readContract({ address: facility, abi: nfatFacilityAbi, functionName: 'unitOf', args: [tokenId] }),
          client.readContract({ address: facility, abi: nfatFacilityAbi, functionName: 'ownerOf', args: [tokenId] }),
          client.readContract({ address: facility, abi: nfatFacilityAbi, functionName: 'fundingOf', args: [tokenId] }),
        ])
        return {
          exists: true,
          ...base,
          facility: unitFacility,
          owner,
          depositor,
          principal: formatUnitsExact(principal, USDS_DECIMALS),
          mintedAt: iso(mintedAt),
          fundedAmount: formatUnitsExact(fundedAmount, USDS_DECIMALS),
          principalPaid: formatUnitsExact(principalPaid, USDS_DECIMALS),
        }
      } catch (error) {
        if (GONE.has(revertName(error) ?? '')) return { exists: false, ...base }
        throw error
      }
    },

    async rateLimits(contracts) {
      const block = await client.getBlock()
      const now = block.timestamp
      const notes: string[] = []
      const view: RateLimitsView = { block: block.number.toString(), chainTime: iso(now), rateLimits: contracts.rateLimits ?? null, keys: [], sorl: null, timelock: null, notes }
      const named = Object.fromEntries(Object.entries(contracts).filter(([k]) => !['rateLimits', 'configurator', 'beamState', 'timelock'].includes(k)))
      const labels = rateLimitKeyLabels(named)

      if (contracts.configurator) {
        const configurator = { address: contracts.configurator as Address, abi: configuratorAbi } as const
        const [hop, maxChange] = await Promise.all([client.readContract({ ...configurator, functionName: 'hop' }), client.readContract({ ...configurator, functionName: 'maxChange' })])
        view.sorl = { hopSeconds: hop.toString(), maxChangeBps: maxChange.toString() }
      } else notes.push('no Configurator address: SORL headroom not shown')

      if (contracts.rateLimits) {
        const rateLimits = contracts.rateLimits as Address
        const logs = await client.getLogs({ address: rateLimits, event: getAbiItem({ abi: rateLimitsAbi, name: 'RateLimitDataSet' }), fromBlock, toBlock: block.number })
        const keys = [...new Set(logs.map((log) => (log.args.key as Hex).toLowerCase() as Hex))].slice(0, MAX_ROWS)
        view.keys = await Promise.all(
          keys.map(async (key): Promise<RateLimitRow> => {
            const known = labels.get(key)
            const token = known?.token ?? null
            const decimals = token === 'USDC' ? USDC_DECIMALS : USDS_DECIMALS
            const amount = (value: bigint) => (value === UNLIMITED ? 'unlimited' : formatUnitsExact(value, decimals))
            const [[maxAmount, slope, , lastUpdated], available] = await Promise.all([
              client.readContract({ address: rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key] }),
              client.readContract({ address: rateLimits, abi: rateLimitsAbi, functionName: 'getCurrentRateLimit', args: [key] }),
            ])
            let sorl: RateLimitRow['sorl'] = null
            if (contracts.configurator && contracts.pau) {
              try {
                const [nextMax, nextSlope, notBefore] = await client.readContract({ address: contracts.configurator as Address, abi: configuratorAbi, functionName: 'maxIncrease', args: [contracts.pau as Address, key] })
                sorl = { nextMaxAmount: amount(nextMax), nextSlopePerSecond: formatUnitsExact(nextSlope, decimals), notBefore: notBefore === 0n ? null : iso(notBefore), allowedNow: notBefore <= now }
              } catch (error) {
                sorl = { error: revertName(error) ?? (error as Error).message.split('\n')[0]! }
              }
            }
            return {
              key,
              label: known?.label ?? null,
              token,
              decimals,
              unlimited: maxAmount === UNLIMITED,
              maxAmount: amount(maxAmount),
              available: amount(available),
              slopePerSecond: formatUnitsExact(slope, decimals),
              lastUpdated: iso(lastUpdated),
              sorl,
            }
          }),
        )
        // configured keys first, removed ones (max 0) last
        view.keys.sort((a, b) => Number(a.maxAmount === '0') - Number(b.maxAmount === '0') || (a.label ?? '~').localeCompare(b.label ?? '~'))
      } else notes.push('no RateLimits address: rate limits not shown')

      if (contracts.timelock) {
        const timelock = { address: contracts.timelock as Address, abi: beamTimeLockAbi } as const
        const [minDelay, scheduled] = await Promise.all([
          client.readContract({ ...timelock, functionName: 'getMinDelay' }),
          client.getLogs({ address: timelock.address, event: getAbiItem({ abi: beamTimeLockAbi, name: 'CallScheduled' }), fromBlock, toBlock: block.number }),
        ])
        const names = new Map(Object.entries(contracts).flatMap(([name, address]) => (address ? [[address.toLowerCase(), name] as const] : [])))
        const ids = [...new Set(scheduled.map((log) => log.args.id as Hex))]
        const states = await Promise.all(ids.map(async (id) => [id, await client.readContract({ ...timelock, functionName: 'getOperationState', args: [id] }), await client.readContract({ ...timelock, functionName: 'getTimestamp', args: [id] })] as const))
        // OperationState: 0 Unset (cancelled), 1 Waiting, 2 Ready, 3 Done
        const open = new Map(states.filter(([, state]) => state === 1 || state === 2).map(([id, state, eta]) => [id, { ready: state === 2, eta }]))
        const pending: TimelockOperation[] = []
        for (const log of scheduled) {
          const op = open.get(log.args.id as Hex)
          if (!op || pending.length >= MAX_ROWS) continue
          const target = log.args.target as Address
          const targetName = names.get(target.toLowerCase()) ?? null
          pending.push({
            id: log.args.id as Hex,
            index: String(log.args.index),
            target,
            targetName,
            call: describeCall(log.args.data as Hex, targetName),
            value: String(log.args.value),
            delaySeconds: String(log.args.delay),
            eta: iso(op.eta),
            ready: op.ready,
            scheduledBlock: String(log.blockNumber),
            txHash: log.transactionHash as Hex,
          })
        }
        view.timelock = { address: contracts.timelock, minDelaySeconds: minDelay.toString(), pending: pending.sort((a, b) => a.eta.localeCompare(b.eta)) }
      } else notes.push('no timelock address: pending operations not shown')
      return view
    },
  }
}
