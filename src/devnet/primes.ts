/**
 * Prime PAUs on a devnet (issue 16): each Prime (Spark, Grove, Keel) gets its own PAU
 * (ALMProxy, Controller, RateLimits) under the devnet's Configurator Unit, onboarded the way
 * governance does it — registration, GovOps accordance and the freezer through the (devnet)
 * timelock by the aBEAM, then GovOps (cBEAM) sets the relayer: the Prime's allocator key, a
 * pBEAM, never a cBEAM. Optionally governance approves an init for the Prime's deposit key into
 * a Unit and GovOps sets it (`onboardPrimeDeposit`): that is "a rate limit configured for this
 * Prime's PAU". The ALMProxy is funded with devnet USDS (the Prime's capital for Halo Units).
 */
import { keccak256, toBytes, type Address, type Hex } from 'viem'
import { mnemonicToAccount, type HDAccount } from 'viem/accounts'
import { beamStateAbi, configuratorAbi, usdsAbi } from '../chain/generated/index.js'
import { ANVIL_MNEMONIC, increaseTime, writeAndWait, type DevnetAccounts, type DevnetClients } from '../chain/devnet.js'
import { encodeCall, executeCall, scheduleCall, type TimelockCall } from '../chain/timelock.js'
import { deployPau } from '../chain/deploy/deployPau.js'
import type { RateLimitSetting } from '../domain/allocator/rampPlan.js'
import type { TermHaloDeployment } from './termHalo.js'

export const DEVNET_PRIMES = ['spark', 'grove', 'keel'] as const
/** Each devnet Prime's capital for Halo Units, in its ALMProxy: 10M USDS. */
export const DEVNET_PRIME_FUNDS = 10_000_000n * 10n ** 18n

/** The devnet Term Halo's Unit Artifact (docs/allocator.md lists the required fields). */
export const DEVNET_UNIT_ARTIFACT = {
  operationalParameters: { termDays: 180, paymentSchedule: 'bullet' },
  legalRecourse: 'senior secured claim against the Halo Book (devnet)',
  sentinelConfiguration: { beacon: 'lpha-nfat', attestor: 'lpha-attest' },
  riskMonitoring: 'lpla-verify CRR per sleeve state; quarterly re-attestation',
  yieldBps: 500,
  capacity: '100000000',
  riskModelRef: 'senior-secured',
}

/** The devnet allocators' risk parameters (the same for the three Primes). */
export const devnetAllocatorPolicy = {
  perUnitCap: '5000000',
  perClassCap: '8000000',
  maxShareBps: 5000,
  capitalBudget: '1000000',
  minYieldBps: 400,
  beaconSilenceSeconds: 2 * 86_400,
  initialLimit: '100K/day',
}
/** HD index of the first Prime's allocator key (the others follow). */
export const ALLOCATOR_KEY_OFFSET = 40

export function allocatorAccount(index: number): HDAccount {
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: ALLOCATOR_KEY_OFFSET + index })
}

export type PrimePau = { prime: string; allocator: HDAccount; pau: Address; almProxy: Address; controller: Address; rateLimits: Address }

type Base = Pick<TermHaloDeployment, 'usds' | 'usdc' | 'psm' | 'configuratorUnit' | 'timelockDelaySeconds'>

let saltCounter = 0n
async function timelocked(clients: DevnetClients, accounts: DevnetAccounts, base: Base, calls: TimelockCall[]) {
  const { timelock } = base.configuratorUnit
  const salted = calls.map((call) => ({ ...call, salt: keccak256(toBytes(`primes:${Date.now()}:${++saltCounter}`)) }))
  for (const call of salted) await scheduleCall(clients, { timelock, proposer: accounts.aBEAM, call, delaySeconds: base.timelockDelaySeconds })
  await increaseTime(clients, base.timelockDelaySeconds)
  for (const call of salted) await executeCall(clients, { timelock, executor: accounts.aBEAM, call })
}

export async function deployPrimePaus(clients: DevnetClients, p: { base: Base; accounts: DevnetAccounts; primes: readonly string[]; fundsPerPrime: bigint; onProgress?: (step: string) => void }): Promise<PrimePau[]> {
  const { base, accounts } = p
  const { configurator, beamState } = base.configuratorUnit
  const primes: PrimePau[] = []
  for (const [i, prime] of p.primes.entries()) {
    p.onProgress?.(`${prime}: PAU (ALMProxy, Controller, RateLimits) under the Configurator`)
    const pau = await deployPau(clients, { deployer: accounts.deployer, configurator, proxyAdmin: base.configuratorUnit.timelock, usds: base.usds, usdc: base.usdc, psm: base.psm })
    primes.push({ prime, allocator: allocatorAccount(i), pau: pau.pau, almProxy: pau.proxy, controller: pau.controller, rateLimits: pau.rateLimits })
  }
  p.onProgress?.(`timelocked onboarding of ${primes.length} Prime PAUs by the aBEAM (register, GovOps accordant, freezer)`)
  await timelocked(
    clients,
    accounts,
    base,
    primes.flatMap((x) => [
      encodeCall(configurator, { abi: configuratorAbi, functionName: 'setPauContracts', args: [x.pau, x.controller, x.rateLimits] }),
      encodeCall(beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [x.pau, accounts.govOps.address] }),
      encodeCall(configurator, { abi: configuratorAbi, functionName: 'setFreezer', args: [x.pau, accounts.freezer.address] }),
    ]),
  )
  for (const x of primes) {
    await writeAndWait(clients, accounts.govOps, { address: configurator, abi: configuratorAbi, functionName: 'setRelayer', args: [x.pau, x.allocator.address] })
    await clients.testClient.setBalance({ address: x.allocator.address, value: 10n ** 21n })
    await writeAndWait(clients, accounts.deployer, { address: base.usds, abi: usdsAbi, functionName: 'mint', args: [x.almProxy, p.fundsPerPrime] })
  }
  return primes
}

/** Governance approves `init` for each Prime's `key` (timelocked), then GovOps sets the limit to it. */
export async function onboardPrimeDeposit(clients: DevnetClients, p: { base: Base; accounts: DevnetAccounts; primes: readonly PrimePau[]; key: (prime: PrimePau) => Hex; init: RateLimitSetting }) {
  const { configurator, beamState } = p.base.configuratorUnit
  await timelocked(clients, p.accounts, p.base, p.primes.map((x) => encodeCall(beamState, { abi: beamStateAbi, functionName: 'addInitRateLimits', args: [p.key(x), x.pau, p.init.maxAmount, p.init.slope] })))
  for (const x of p.primes) {
    await writeAndWait(clients, p.accounts.govOps, { address: configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [x.pau, p.key(x), p.init.maxAmount, p.init.slope] })
  }
}
