/**
 * The Primes of `halo up` (issue 16, "npm start shows the system working"): Spark, Grove and
 * Keel each get a PAU under the devnet's Configurator Unit (src/devnet/primes.ts), a deposit
 * rate limit into the Term Halo's NFAT Facility (an init governance approves through the
 * timelock, then GovOps sets it), and an allocator process (`halo beacon allocator`) with
 * risk parameters under which each queues 25M USDS: the seed's 75M sleeve fills from the
 * three of them, and lpha-nfat offboards it.
 */
import { getAddress, keccak256, toHex, type Address, type Hex } from 'viem'
import { depositKey } from '../beacons/allocator/chain.js'
import type { AllocatorPolicyConfig } from '../beacons/allocator/config.js'
import type { DevnetAccounts, DevnetClients } from '../chain/devnet.js'
import { parseRatePerPeriod } from '../domain/allocator/rampPlan.js'
import { USDS_DECIMALS } from '../domain/money.js'
import type { RiskFrameworkDocument } from '../domain/risk/framework.js'
import { deployPrimePaus, DEVNET_PRIMES, DEVNET_UNIT_ARTIFACT, devnetAllocatorPolicy, onboardPrimeDeposit, type PrimePau } from './primes.js'
import type { TermHaloDeployment } from './termHalo.js'

/** Each Prime's capital for Halo Units on `halo up`: 60M USDS in its ALMProxy (half of it, the diversification cap, stays above 25M after a Portfolio subscription). */
export const LIVING_PRIME_FUNDS = 60_000_000n * 10n ** 18n
/** Each Prime's deposit limit into the Term Halo (full a day after it is set, before the allocators start). */
export const LIVING_DEPOSIT_LIMIT = '25M/day'
/**
 * The allocators' risk parameters on `halo up`: 25M per Unit and per class, half of the
 * deployable capital at most in one Unit, 2M of required capital (8% risk weight → 25M). The
 * beacon counts as silent after 14 days of chain time without a sleeve step (the fill wait),
 * a little over two wall minutes at the default speed.
 */
export const LIVING_ALLOCATOR_POLICY: AllocatorPolicyConfig = {
  ...devnetAllocatorPolicy,
  perUnitCap: '25000000',
  perClassCap: '25000000',
  capitalBudget: '2000000',
  beaconSilenceSeconds: 14 * 86_400,
}

/** The capital formula's model the devnet Unit Artifact names (riskModelRef), for the allocators' CRR budget. */
export const LIVING_CAPITAL_FORMULA: RiskFrameworkDocument['capitalFormula'] = {
  riskModels: { [DEVNET_UNIT_ARTIFACT.riskModelRef]: { kind: 'risk-weight', riskWeight: '0.08', category: 'senior-secured' } },
  categoryCaps: {},
}

export type LivingPrimes = { primes: PrimePau[]; facility: Address; codeHash: Hex }

/** The three Prime PAUs, funded, each with its deposit limit into the facility set (not yet refilled: the caller moves a day). */
export async function deployLivingPrimes(clients: DevnetClients, p: { deployment: TermHaloDeployment; accounts: DevnetAccounts; onProgress?: (step: string) => void }): Promise<LivingPrimes> {
  const { deployment, accounts } = p
  const primes = await deployPrimePaus(clients, { base: deployment, accounts, primes: DEVNET_PRIMES, fundsPerPrime: LIVING_PRIME_FUNDS, onProgress: p.onProgress })
  p.onProgress?.(`deposit limits into the NFAT Facility (${LIVING_DEPOSIT_LIMIT} each): governance approves the init (timelock), GovOps set it`)
  const key = depositKey({ kind: 'nfat-facility', facility: deployment.facility })
  await onboardPrimeDeposit(clients, { base: deployment, accounts, primes, key: () => key, init: parseRatePerPeriod(LIVING_DEPOSIT_LIMIT, USDS_DECIMALS) })
  const code = await clients.publicClient.getCode({ address: deployment.facility })
  return { primes, facility: deployment.facility, codeHash: keccak256(code!) }
}

/** Checksummed ALMProxy → Prime id: how lpha-nfat names a Prime's units (depositorPrime). */
export function depositorNames(primes: readonly PrimePau[]): Record<string, string> {
  return Object.fromEntries(primes.map((x) => [getAddress(x.almProxy), x.prime]))
}

/** Prime id → ALMProxy: where lpla-verify and the dashboard find a Prime's NFATs. */
export function primeAddresses(primes: readonly PrimePau[]): Record<string, string> {
  return Object.fromEntries(primes.map((x) => [x.prime, x.almProxy]))
}

/** One Prime's `halo beacon allocator` config (its PAU's relayer key: a pBEAM, devnet only). */
export function allocatorConfig(p: { prime: PrimePau; deployment: TermHaloDeployment; rpcUrl: string; synomeUrl: string; stateDir: string; intervalSeconds: number }) {
  const { prime, deployment } = p
  return {
    prime: prime.prime,
    rpcUrl: p.rpcUrl,
    privateKey: toHex(prime.allocator.getHdKey().privateKey!),
    synome: { url: p.synomeUrl },
    chain: { configurator: deployment.configuratorUnit.configurator, almProxy: prime.almProxy, controller: prime.controller, rateLimits: prime.rateLimits, usds: deployment.usds, finalityDepth: 0 },
    policy: LIVING_ALLOCATOR_POLICY,
    stateDir: p.stateDir,
    intervalSeconds: p.intervalSeconds,
  }
}
