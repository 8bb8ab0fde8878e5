import { erc20Abi, erc4626Abi, parseAbiItem, type AbiFunction, type Address, type PublicClient } from 'viem'
import type { CoreHalo, DataModel } from '../../domain/risk/coreHalo.js'
import { failed, garbage, toWad, type SourceResult } from './result.js'

type Erc4626Model = Extract<DataModel, { kind: 'erc4626-position' }>
type ContractReadModel = Extract<DataModel, { kind: 'contract-read' }>

/**
 * Value of a Prime's ERC-4626 position: convertToAssets(balanceOf(holder)), in the vault's
 * underlying asset, scaled by that asset's decimals (read on chain unless the data model fixes
 * them). The underlying is counted at par in USD (USDS for sUSDS); a non-stable underlying
 * needs a price source, which Phase 1 data models do not describe. Never throws.
 */
export async function readErc4626Position({ coreHalo, model, client }: { coreHalo: CoreHalo; model: Erc4626Model; client: PublicClient }): Promise<SourceResult> {
  try {
    const vault = model.vault as Address
    const shares = await client.readContract({ address: vault, abi: erc4626Abi, functionName: 'balanceOf', args: [model.holder as Address] })
    const assets = await client.readContract({ address: vault, abi: erc4626Abi, functionName: 'convertToAssets', args: [shares] })
    const decimals = model.decimals ?? (await client.readContract({ address: await client.readContract({ address: vault, abi: erc4626Abi, functionName: 'asset' }), abi: erc20Abi, functionName: 'decimals' }))
    return { ok: true, valueWad: toWad(assets, decimals), observed: `${assets} (${decimals} decimals) for ${shares} shares` }
  } catch (cause) {
    return failed(coreHalo, `reading ERC-4626 vault ${model.vault} failed`, cause)
  }
}

/**
 * Any view function returning one unsigned amount (`function totalAssets() view returns
 * (uint256)`), read with viem `readContract` and scaled by `decimals`. Never throws.
 */
export async function readContractValue({ coreHalo, model, client }: { coreHalo: CoreHalo; model: ContractReadModel; client: PublicClient }): Promise<SourceResult> {
  let item: AbiFunction
  try {
    const parsed = parseAbiItem(model.function)
    if (parsed.type !== 'function') throw new Error('not a function')
    item = parsed
  } catch (cause) {
    return garbage(coreHalo, 'data model function is not a human-readable ABI function', model.function)
  }
  if (item.outputs.length !== 1 || !item.outputs[0]!.type.startsWith('uint')) return garbage(coreHalo, 'data model function must return exactly one uint', model.function)
  const args = model.args.map((arg, i) => (item.inputs[i]?.type.match(/^u?int/) && (typeof arg === 'string' || typeof arg === 'number') ? BigInt(arg) : arg))
  let value: unknown
  try {
    value = await client.readContract({ address: model.address as Address, abi: [item], functionName: item.name, args })
  } catch (cause) {
    return failed(coreHalo, `${item.name} on ${model.address} failed`, cause)
  }
  if (typeof value !== 'bigint' || value < 0n) return garbage(coreHalo, `${item.name} did not return an amount`, value)
  return { ok: true, valueWad: toWad(value, model.decimals), observed: `${value} (${model.decimals} decimals)` }
}
