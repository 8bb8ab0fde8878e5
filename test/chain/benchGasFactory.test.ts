import { describe, expect, it } from 'vitest'
import { section } from '../../bench/gas/factory.js'
import { gasContext } from '../../bench/gas/section.js'
import { useDevnet } from '../fixtures/devnet.js'

describe('bench:gas factory section', () => {
  it('an extra Term unit through the factory costs at most 0.2× deploying the NFAT Facility directly; a class is cheaper than deployPau', async () => {
    const devnet = await useDevnet()
    const rows = await section.run(gasContext(devnet))
    for (const r of rows) console.log(`${r.action.padEnd(70)} ${String(r.gas).padStart(9)}  vs ${r.baseline?.action} ${r.baseline?.gas}`)
    const [cls, unit] = rows
    expect(unit!.gas * 5n).toBeLessThanOrEqual(unit!.baseline!.gas)
    expect(cls!.gas).toBeLessThan(cls!.baseline!.gas)
  })
})
