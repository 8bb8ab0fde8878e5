export { publishRiskFramework, type PublishRiskFrameworkParameters, type PublishRiskFrameworkReturnType } from './publishRiskFramework.js'
export { registerCoreHalo, type RegisterCoreHaloParameters, type RegisterCoreHaloReturnType } from './registerCoreHalo.js'
