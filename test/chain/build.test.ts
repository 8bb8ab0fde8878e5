import { describe, expect, it } from 'vitest'
import { buildContracts, exportPrefix } from '../../src/chain/build.js'
import * as generated from '../../src/chain/generated/index.js'

describe('contract build', () => {
  it('names exports viem-style from the contract name', () => {
    expect(exportPrefix('RateLimits')).toBe('rateLimits')
    expect(exportPrefix('ALMProxy')).toBe('almProxy')
    expect(exportPrefix('USDS')).toBe('usds')
    expect(exportPrefix('PSM')).toBe('psm')
    expect(exportPrefix('BEAMTimeLock')).toBe('beamTimeLock')
    expect(exportPrefix('NFATFacility')).toBe('nfatFacility')
    expect(exportPrefix('Controller')).toBe('controller')
  })

  it('an unchanged tree is served from the cache in well under a second', () => {
    buildContracts()
    const started = performance.now()
    const result = buildContracts()
    expect(result.cached).toBe('output')
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('writes typed ABIs and bytecode per contract', () => {
    expect(generated.psmAbi.some((item) => item.type === 'function' && item.name === 'swapUSDSToUSDC')).toBe(true)
    expect(generated.usdsBytecode).toMatch(/^0x[0-9a-f]{100,}$/)
  })
})
