import type { SleeveAsset, SleeveView } from '../../domain/sleeve.js'
import { validateSleeveRiskData } from '../riskData.js'
import type { StateAccess } from './types.js'

/** Validate the risk data carried by any aggregate-deployed asset of a new asset list. */
export async function validateAssetsRiskData(state: StateAccess, sleeve: SleeveView, assets: readonly SleeveAsset[]): Promise<void> {
  for (const [index, asset] of assets.entries()) {
    if (asset.riskData) await validateSleeveRiskData(state, sleeve, asset.riskData, `assets[${index}].riskData`)
  }
}
