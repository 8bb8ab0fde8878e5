/**
 * Holds the NFAT gas section (bench/gas/nfat.ts) to what the README claims: every row is
 * measured in one run beside the same baselines, and a claim costs the same with 1 and with
 * 500 queued depositors (within 2%) — claims never iterate the queue.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { gasContext, type GasRow } from '../../../bench/gas/section.js'
import { claimGasSpreadBasisPoints, section } from '../../../bench/gas/nfat.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'

let devnet: Devnet
let rows: GasRow[]

beforeAll(async () => {
  devnet = await useDevnet()
  rows = await section.run(gasContext(devnet, devnet.accounts))
  for (const r of rows) console.log(`${r.action.padEnd(78)} ${String(r.gas).padStart(8)}  vs ${r.baseline?.action} ${r.baseline?.gas}`)
})

describe('NFAT gas section', () => {
  it('measures deposit, withdraw, claim + mint, fund, redeem + burn beside a plain ERC-20 transfer and ERC-721 mint', () => {
    for (const action of ['deposit', 'withdraw', 'claim + mint NFAT', 'fund (principal', 'redeem + burn', 'redeem as spend', 'fund via PAU']) {
      const row = rows.find((r) => r.action.startsWith(action))
      expect(row, action).toBeDefined()
      expect(row!.baseline?.action).toBe('USDS.transfer (plain ERC-20)')
      expect(row!.action).toMatch(/\d+\.\d\d× OZ ERC-721 mint/)
    }
    const erc20 = rows[0]!.baseline!.gas
    expect(erc20 > 21_000n && erc20 < 60_000n).toBe(true) // a real transfer was measured
  })

  it('claim + mint costs at most 125,000 gas (issue 12; it was 161,382), and funding through the PAU is one row with two keys', () => {
    const claim = rows.find((r) => r.action.startsWith('claim + mint NFAT'))!
    expect(claim.gas).toBeLessThanOrEqual(125_000n)
    expect(rows.find((r) => r.action.startsWith('fund via PAU'))!.action).toContain('principal + interest keys')
  })

  it('claim gas with 1 and with 500 queued depositors is equal within 2%', () => {
    expect(claimGasSpreadBasisPoints(rows)).toBeLessThanOrEqual(200n)
  })
})
