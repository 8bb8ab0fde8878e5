export * from './pricing.js'
export * from './pool.js'
