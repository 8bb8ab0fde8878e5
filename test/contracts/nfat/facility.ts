/**
 * Test world for the NFAT Facility: devnet USDS, one facility, the Halo's ALMProxy stand-in and
 * named Primes. Reads like the spec: `world.deposit(primeX, M('50'))`, `world.claim(primeX, M('25'))`.
 *
 * Who is who (anvil accounts by role, extra HD accounts for the Primes):
 * - admin = govOps: the Halo's administration (whitelist, claim limit, unpause, roles)
 * - claimer = relayer: lpha-nfat's pBEAM
 * - pauser = freezer
 * - almProxy: the Facility PAU's ALMProxy. Claims land there and redemptions are funded from
 *   there (it holds FUNDER_ROLE), the way the PAU's Controller drives it.
 */
import { parseEventLogs, type Address, type TransactionReceipt } from 'viem'
import { mnemonicToAccount, type HDAccount } from 'viem/accounts'
import { nfatFacilityAbi, nfatFacilityBytecode, usdsAbi, usdsBytecode } from '../../../src/chain/generated/index.js'
import { ANVIL_MNEMONIC } from '../../../src/chain/devnet.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../../src/domain/money.js'
import type { Devnet } from '../../fixtures/devnet.js'

/** Millions of USDS as exact base units: M('26.25') = 26,250,000 USDS. */
export const M = (millions: string): bigint => parseUnitsExact(millions, USDS_DECIMALS) * 1_000_000n

export const MAX_UINT128 = (1n << 128n) - 1n
const MAX_UINT256 = (1n << 256n) - 1n
const DAY = 86_400n

/** Extra named accounts beyond anvil's ten, given ETH for gas (HD index 10 and up). */
const EXTRA_ACCOUNTS = ['primeX', 'primeY', 'spark', 'grove', 'keel', 'randomAddress', 'almProxy'] as const
export type ExtraAccountName = (typeof EXTRA_ACCOUNTS)[number]

export async function extraAccounts(devnet: Devnet): Promise<Record<ExtraAccountName, HDAccount>> {
  const entries = EXTRA_ACCOUNTS.map((name, i) => [name, mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 10 + i })] as const)
  for (const [, account] of entries) await devnet.testClient.setBalance({ address: account.address, value: 10n ** 21n })
  return Object.fromEntries(entries) as Record<ExtraAccountName, HDAccount>
}

export type FacilityOptions = {
  firstTokenId?: bigint
  claimMaxAmount?: bigint
  claimSlopePerSecond?: bigint
}

export type DeployFacilityParameters = FacilityOptions & { usds: Address; almProxy: Address; funder?: Address }

export async function deployFacility(devnet: Devnet, parameters: DeployFacilityParameters): Promise<Address> {
  const { govOps, relayer, freezer } = devnet.accounts
  return devnet.deploy({ abi: nfatFacilityAbi, bytecode: nfatFacilityBytecode }, [
    {
      usds: parameters.usds,
      almProxy: parameters.almProxy,
      admin: govOps.address,
      claimer: relayer.address,
      funder: parameters.funder ?? parameters.almProxy,
      pauser: freezer.address,
      name: 'Halo 123 Senior Secured NFAT',
      symbol: 'NFAT-123',
      firstTokenId: parameters.firstTokenId ?? 1n,
      claimMaxAmount: parameters.claimMaxAmount ?? MAX_UINT128,
      claimSlopePerSecond: parameters.claimSlopePerSecond ?? 0n,
    },
  ])
}

export type World = Awaited<ReturnType<typeof createWorld>>

/** Deploys USDS and one facility; every Prime and the ALMProxy approve the facility once. */
export async function createWorld(devnet: Devnet, options: FacilityOptions = {}) {
  const people = await extraAccounts(devnet)
  const { deployer } = devnet.accounts
  const usds = await devnet.deploy({ abi: usdsAbi, bytecode: usdsBytecode }, [deployer.address])
  const facility = await deployFacility(devnet, { ...options, usds, almProxy: people.almProxy.address })
  const world = bindWorld(devnet, usds, facility, people)
  for (const prime of [people.primeX, people.primeY, people.spark, people.grove, people.keel, people.almProxy]) {
    await world.approve(prime, facility)
  }
  return world
}

type Holder = HDAccount

export function bindWorld(devnet: Devnet, usds: Address, facility: Address, people: Record<ExtraAccountName, HDAccount>) {
  const read = devnet.publicClient
  const at = { address: facility, abi: nfatFacilityAbi } as const
  const token = { address: usds, abi: usdsAbi } as const
  const world = {
    devnet,
    usds,
    facility,
    people,
    almProxy: people.almProxy,

    /** New USDS from outside the system (a Prime's treasury, returns from deployment). */
    mint: (to: Address, amount: bigint) => devnet.write(devnet.accounts.deployer, { ...token, functionName: 'mint', args: [to, amount] }),
    approve: (owner: Holder, spender: Address) => devnet.write(owner, { ...token, functionName: 'approve', args: [spender, MAX_UINT256] }),
    balance: (who: Address) => read.readContract({ ...token, functionName: 'balanceOf', args: [who] }),

    /** The Prime brings `amount` new USDS and queues it. */
    async deposit(prime: Holder, amount: bigint, target: Address = facility) {
      await world.mint(prime.address, amount)
      return devnet.write(prime, { address: target, abi: nfatFacilityAbi, functionName: 'deposit', args: [amount] })
    },
    withdraw: (prime: Holder, target: Address = facility) =>
      devnet.write(prime, { address: target, abi: nfatFacilityAbi, functionName: 'withdraw' }),
    /** lpha-nfat claims; returns the minted tokenId from the Claimed event. */
    async claim(depositor: Holder | Address, amount: bigint, target: Address = facility) {
      const address = typeof depositor === 'string' ? depositor : depositor.address
      const receipt = await devnet.write(devnet.accounts.relayer, {
        address: target,
        abi: nfatFacilityAbi,
        functionName: 'claim',
        args: [address, amount],
      })
      return claimedTokenId(receipt)
    },
    /** The Halo funds from its ALMProxy (topping it up first when deal returns arrived). */
    async fund(tokenId: bigint, amount: bigint, principalPaid: bigint, penalty = 0n, target: Address = facility) {
      return devnet.write(people.almProxy, {
        address: target,
        abi: nfatFacilityAbi,
        functionName: 'fund',
        args: [tokenId, amount, principalPaid, penalty],
      })
    },
    redeem: (holder: Holder, tokenId: bigint, target: Address = facility) =>
      devnet.write(holder, { address: target, abi: nfatFacilityAbi, functionName: 'redeem', args: [tokenId] }),
    transfer: (from: Holder, to: Address, tokenId: bigint) =>
      devnet.write(from, { ...at, functionName: 'transferFrom', args: [from.address, to, tokenId] }),
    asAdmin: {
      setWhitelistMode: (enabled: boolean) => devnet.write(devnet.accounts.govOps, { ...at, functionName: 'setWhitelistMode', args: [enabled] }),
      setWhitelisted: (account: Address, allowed: boolean) =>
        devnet.write(devnet.accounts.govOps, { ...at, functionName: 'setWhitelisted', args: [account, allowed] }),
      setClaimRateLimit: (maxAmount: bigint, slopePerSecond: bigint) =>
        devnet.write(devnet.accounts.govOps, { ...at, functionName: 'setClaimRateLimit', args: [maxAmount, slopePerSecond] }),
      unpause: () => devnet.write(devnet.accounts.govOps, { ...at, functionName: 'unpause' }),
    },
    pause: () => devnet.write(devnet.accounts.freezer, { ...at, functionName: 'pause' }),

    queued: (who: Address, target: Address = facility) =>
      read.readContract({ address: target, abi: nfatFacilityAbi, functionName: 'queuedBalanceOf', args: [who] }),
    ownerOf: (tokenId: bigint) => read.readContract({ ...at, functionName: 'ownerOf', args: [tokenId] }),
    async unit(tokenId: bigint, target: Address = facility) {
      const [facilityAddress, principal, depositor, mintedAt] = await read.readContract({
        address: target,
        abi: nfatFacilityAbi,
        functionName: 'unitOf',
        args: [tokenId],
      })
      return { facility: facilityAddress, principal, depositor, mintedAt }
    },
    async funding(tokenId: bigint) {
      const [amount, principalPaid] = await read.readContract({ ...at, functionName: 'fundingOf', args: [tokenId] })
      return { amount, principalPaid }
    },
    view: <const name extends 'totalShares' | 'totalUnderlying' | 'totalFunded' | 'nextTokenId' | 'claimCapacity' | 'paused' | 'whitelistEnabled'>(
      functionName: name,
    ) => read.readContract({ ...at, functionName }) as Promise<name extends 'paused' | 'whitelistEnabled' ? boolean : bigint>,
    balanceOfNfat: (who: Address) => read.readContract({ ...at, functionName: 'balanceOf', args: [who] }),
    days: (n: number) => devnet.increaseTime(BigInt(n) * DAY),
    /** Everything a revert must leave untouched, for "changes nothing" assertions. */
    async snapshotState(tokenIds: readonly bigint[], accounts: readonly Address[]) {
      const units = await Promise.all(
        tokenIds.map(async (id) => {
          const owner = await read.readContract({ ...at, functionName: 'ownerOf', args: [id] }).catch(() => 'burned')
          const funding = await world.funding(id).catch(() => 'none')
          const unit = await world.unit(id).catch(() => 'none')
          return { id, owner, funding, unit }
        }),
      )
      const balances = await Promise.all(accounts.map(async (a) => [a, await world.balance(a), await world.queued(a)] as const))
      const totals = await Promise.all(
        (['totalShares', 'totalUnderlying', 'totalFunded', 'nextTokenId', 'claimCapacity'] as const).map((n) => world.view(n)),
      )
      return { units, balances, totals, facilityUsds: await world.balance(facility) }
    },
  }
  return world
}

export function claimedTokenId(receipt: TransactionReceipt): bigint {
  const [claimed] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Claimed', logs: receipt.logs })
  if (!claimed) throw new Error('no Claimed event in the claim receipt')
  return claimed.args.tokenId
}
