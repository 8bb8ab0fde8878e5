/**
 * Test world for the NFAT Facility: devnet assets, the Halo Class's own PAU (ALMProxy,
 * Controller, RateLimits from contracts/pau), one facility wired to it, and named Primes.
 * Reads like the spec: `world.deposit(primeX, M('50'))`, `world.claim(primeX, M('25'))`.
 *
 * Who is who (anvil accounts by role, extra HD accounts for the Primes):
 * - govOps: the Halo's administration — facility admin and, standing in for the Configurator,
 *   admin of the PAU (sets the claim limit and the Controller's limits)
 * - relayer: lpha-nfat's pBEAM — CLAIMER_ROLE on the facility and RELAYER on the Controller
 * - freezer: PAUSER_ROLE (pause, instant removal of a claimer or write-down key)
 * - govOps also holds WRITE_DOWN_ROLE (loss recognition)
 * - the Halo ALMProxy: receives every claim and funds redemptions (FUNDER_ROLE), driven by
 *   the relayer through the Controller's one funding call,
 *   `fundRedeem(facility, tokenId, principalAmount, interestAmount)`.
 */
import { parseEventLogs, type Address, type Hex, type TransactionReceipt } from 'viem'
import { mnemonicToAccount, type HDAccount } from 'viem/accounts'
import { controllerAbi, nfatFacilityAbi, rateLimitsAbi, usdsAbi } from '../../../src/chain/generated/index.js'
import { ANVIL_MNEMONIC } from '../../../src/chain/devnet.js'
import { deployDevnetAssets } from '../../../src/chain/deploy/deployDevnetAssets.js'
import { deployNfatFacility } from '../../../src/chain/deploy/deployNfatFacility.js'
import { deployPau, type DeployPauReturnType } from '../../../src/chain/deploy/deployPau.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../../src/domain/money.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../../../src/domain/rateLimits.js'
import type { Devnet } from '../../fixtures/devnet.js'

/** Millions of USDS as exact base units: M('26.25') = 26,250,000 USDS. */
export const M = (millions: string): bigint => parseUnitsExact(millions, USDS_DECIMALS) * 1_000_000n

const MAX_UINT256 = (1n << 256n) - 1n
/** Rate-limit action of claims; the key adds the facility. Defined once: `LIMIT.NFAT_CLAIM`. */
export const LIMIT_NFAT_CLAIM = LIMIT.NFAT_CLAIM
/** Controller calls revert with the facility's errors (the ALMProxy bubbles them): decode both. */
const controllerCallAbi = [...controllerAbi, ...nfatFacilityAbi.filter((item) => item.type === 'error')] as const
const DAY = 86_400n

/** Extra named accounts beyond anvil's ten, given ETH for gas (HD index 10 and up). */
const EXTRA_ACCOUNTS = ['primeX', 'primeY', 'spark', 'grove', 'keel', 'randomAddress', 'haloBank'] as const
export type ExtraAccountName = (typeof EXTRA_ACCOUNTS)[number]

export async function extraAccounts(devnet: Devnet): Promise<Record<ExtraAccountName, HDAccount>> {
  const entries = EXTRA_ACCOUNTS.map((name, i) => [name, mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 10 + i })] as const)
  for (const [, account] of entries) await devnet.testClient.setBalance({ address: account.address, value: 10n ** 21n })
  return Object.fromEntries(entries) as Record<ExtraAccountName, HDAccount>
}

export type FacilityOptions = {
  firstTokenId?: bigint
  /** Claim limit on the Halo PAU's RateLimits (UNLIMITED when omitted). */
  claimMaxAmount?: bigint
  claimSlopePerSecond?: bigint
}

export type DeployFacilityParameters = FacilityOptions & { usds: Address; pau: DeployPauReturnType; funder?: Address; claimer?: Address }

/**
 * One facility on a Halo PAU: deploy, give it CONTROLLER on the PAU's RateLimits and set its
 * claim limit (govOps acts as the PAU admin, i.e. the Configurator, here).
 */
export async function deployFacility(devnet: Devnet, parameters: DeployFacilityParameters): Promise<Address> {
  const { govOps, relayer, freezer } = devnet.accounts
  const facility = await deployNfatFacility(devnet, {
    deployer: devnet.accounts.deployer,
    usds: parameters.usds,
    pau: parameters.pau,
    admin: govOps.address,
    claimer: parameters.claimer ?? relayer.address,
    funder: parameters.funder,
    pauser: freezer.address,
    writeDowner: govOps.address,
    name: 'Halo 123 Senior Secured NFAT',
    symbol: 'NFAT-123',
    firstTokenId: parameters.firstTokenId ?? 1n,
  })
  const limits = { address: parameters.pau.rateLimits, abi: rateLimitsAbi } as const
  const controllerRole = await devnet.publicClient.readContract({ ...limits, functionName: 'CONTROLLER' })
  await devnet.write(govOps, { ...limits, functionName: 'grantRole', args: [controllerRole, facility] })
  // A new key starts empty (the PAU rule); opening it unlimited and then capping it keeps the
  // capped amount available, so the facility starts with its full claim budget.
  const key = rateLimitKey(LIMIT.NFAT_CLAIM, facility)
  await devnet.write(govOps, { ...limits, functionName: 'setRateLimitData', args: [key, UNLIMITED, 0n] })
  if (parameters.claimMaxAmount !== undefined) {
    await devnet.write(govOps, { ...limits, functionName: 'setRateLimitData', args: [key, parameters.claimMaxAmount, parameters.claimSlopePerSecond ?? 0n] })
  }
  return facility
}

/** The Halo Class's PAU with lpha-nfat's pBEAM as relayer and unlimited funding paths. */
export async function deployHaloPau(devnet: Devnet, assets: { usds: Address; usdc: Address; psm: Address }) {
  const { deployer, govOps, relayer } = devnet.accounts
  const pau = await deployPau(devnet, { deployer, configurator: govOps.address, proxyAdmin: govOps.address, ...assets })
  const controller = { address: pau.controller, abi: controllerAbi } as const
  const relayerRole = await devnet.publicClient.readContract({ ...controller, functionName: 'RELAYER' })
  await devnet.write(govOps, { ...controller, functionName: 'grantRole', args: [relayerRole, relayer.address] })
  return pau
}

export type World = Awaited<ReturnType<typeof createWorld>>

/** Devnet assets, the Halo PAU and one facility; every Prime approves the facility once. */
export async function createWorld(devnet: Devnet, options: FacilityOptions = {}) {
  const people = await extraAccounts(devnet)
  const assets = await deployDevnetAssets(devnet, { owner: devnet.accounts.deployer })
  const pau = await deployHaloPau(devnet, assets)
  const facility = await deployFacility(devnet, { ...options, usds: assets.usds, pau })
  const world = bindWorld(devnet, assets.usds, facility, pau, people)
  await world.openFundingPaths(facility)
  for (const prime of [people.primeX, people.primeY, people.spark, people.grove, people.keel]) await world.approve(prime, facility)
  return world
}

type Holder = HDAccount

export function bindWorld(devnet: Devnet, usds: Address, facility: Address, pau: DeployPauReturnType, people: Record<ExtraAccountName, HDAccount>) {
  const read = devnet.publicClient
  const at = { address: facility, abi: nfatFacilityAbi } as const
  const token = { address: usds, abi: usdsAbi } as const
  const world = {
    devnet,
    usds,
    facility,
    people,
    pau,
    /** The Halo ALMProxy: where claims land and what funds redemptions. */
    almProxy: pau.proxy,

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
    /**
     * The Halo funds NFAT `tokenId` from its ALMProxy through the Controller's one funding call:
     * `principalAmount` retires exactly that much principal, `interestAmount` is yield (and any
     * late-funding penalty).
     */
    fund: (tokenId: bigint, principalAmount: bigint, interestAmount = 0n, target: Address = facility) =>
      devnet.write(devnet.accounts.relayer, { address: pau.controller, abi: controllerCallAbi, functionName: 'fundRedeem', args: [target, tokenId, principalAmount, interestAmount] }),
    /** GovOps (WRITE_DOWN_ROLE) recognises a loss: retires `principalAmount` without payment. */
    writeDown: (tokenId: bigint, principalAmount: bigint, target: Address = facility) =>
      devnet.write(devnet.accounts.govOps, { address: target, abi: nfatFacilityAbi, functionName: 'writeDown', args: [tokenId, principalAmount] }),
    /** govOps (as Configurator) opens the Controller's funding keys (principal, interest) into `target`, unlimited. */
    async openFundingPaths(target: Address) {
      const limits = { address: pau.rateLimits, abi: rateLimitsAbi } as const
      for (const key of [rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, target), rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, target)] as Hex[]) {
        await devnet.write(devnet.accounts.govOps, { ...limits, functionName: 'setRateLimitData', args: [key, UNLIMITED, 0n] })
      }
    },
    /** lpha-nfat offboards USDS from the ALMProxy to the Halo's bank endpoint (deployment). */
    async offboard(amount: bigint) {
      const key = rateLimitKey(LIMIT.ASSET_TRANSFER, usds, people.haloBank.address)
      await devnet.write(devnet.accounts.govOps, { address: pau.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [key, UNLIMITED, 0n] })
      return devnet.write(devnet.accounts.relayer, {
        address: pau.controller,
        abi: controllerAbi,
        functionName: 'transferAsset',
        args: [usds, people.haloBank.address, amount],
      })
    },
    setClaimRateLimit: (maxAmount: bigint, slopePerSecond: bigint) =>
      devnet.write(devnet.accounts.govOps, {
        address: pau.rateLimits,
        abi: rateLimitsAbi,
        functionName: 'setRateLimitData',
        args: [rateLimitKey(LIMIT.NFAT_CLAIM, facility), maxAmount, slopePerSecond],
      }),
    redeem: (holder: Holder, tokenId: bigint, target: Address = facility) =>
      devnet.write(holder, { address: target, abi: nfatFacilityAbi, functionName: 'redeem', args: [tokenId] }),
    transfer: (from: Holder, to: Address, tokenId: bigint) =>
      devnet.write(from, { ...at, functionName: 'transferFrom', args: [from.address, to, tokenId] }),
    asAdmin: {
      setWhitelistMode: (enabled: boolean) => devnet.write(devnet.accounts.govOps, { ...at, functionName: 'setWhitelistMode', args: [enabled] }),
      setWhitelisted: (account: Address, allowed: boolean) =>
        devnet.write(devnet.accounts.govOps, { ...at, functionName: 'setWhitelisted', args: [account, allowed] }),
      unpause: () => devnet.write(devnet.accounts.govOps, { ...at, functionName: 'unpause' }),
    },
    pause: () => devnet.write(devnet.accounts.freezer, { ...at, functionName: 'pause' }),
    /** The freezer removes a claimer or write-down key at once. */
    removeOperator: (role: Hex, account: Address) => devnet.write(devnet.accounts.freezer, { ...at, functionName: 'removeOperator', args: [role, account] }),

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
