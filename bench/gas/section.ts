/**
 * One section of the `npm run bench:gas` table. To add rows, drop a file in bench/gas/ that
 * exports `section: GasSection`; the runner (bench/gas.ts) finds it, gives it a fresh anvil
 * and prints its rows. Measure each action the way a user would pay for it: the receipt's
 * gasUsed of one transaction, after a warm-up call, so first-write storage costs do not
 * distort a comparison.
 */
import type { Account, Abi, Address, ContractConstructorArgs, Hex, TransactionReceipt } from 'viem'
import { deployContract, devnetAccounts, increaseTime, writeAndWait, type DevnetAccounts, type DevnetClients, type WriteParameters } from '../../src/chain/devnet.js'

export type GasRow = {
  /** What was measured, e.g. "transfer USDS via PAU (rate-limited)". */
  action: string
  gas: bigint
  /** The same action without the PAU, measured in the same run; the ratio is gas / baseline. */
  baseline?: { action: string; gas: bigint } | undefined
}

export type GasContext = {
  clients: DevnetClients
  accounts: DevnetAccounts
  deploy<const abi extends Abi>(contract: { abi: abi; bytecode: Hex }, args?: ContractConstructorArgs<abi>, account?: Account): Promise<Address>
  write: (account: Account, parameters: WriteParameters<Abi, string, readonly unknown[]>) => Promise<TransactionReceipt>
  increaseTime(seconds: bigint): Promise<void>
}

export type GasSection = { title: string; run(context: GasContext): Promise<GasRow[]> }

/** Gas over baseline as "2.41×": two decimals, rounded, in integers. */
export function ratio(gas: bigint, baseline: bigint): string {
  const hundredths = (gas * 100n + baseline / 2n) / baseline
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}×`
}

/** The context a section runs in, on any devnet (the bench's fresh anvil, or a test's). */
export function gasContext(clients: DevnetClients, accounts: DevnetAccounts = devnetAccounts()): GasContext {
  return {
    clients,
    accounts,
    deploy: (contract, args, account = accounts.deployer) => deployContract(clients, { ...contract, args, account } as never),
    write: (account, parameters) => writeAndWait(clients, account, parameters as never),
    increaseTime: (seconds) => increaseTime(clients, seconds),
  }
}
