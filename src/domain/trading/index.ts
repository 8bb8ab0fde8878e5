export * from './pricing.js'
export * from './pool.js'
export * from './keys.js'
export * from './amm.js'
