import { describe, expect, it } from 'vitest'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { claimedHoldings, verifyHolding, verifyUnitPosition } from '../../../src/domain/risk/position.js'
import { FACILITY, GROVE, SEED_STEPS, SEED_UNITS, SPARK } from './fixtures.js'

const unit42 = SEED_UNITS[0]!
const onChain42 = { exists: true as const, facility: FACILITY, depositor: SPARK, principal: parseUnitsExact('30000000', 18) }

describe('position verification rules', () => {
  it('NFAT #42 on chain with 30M principal, the facility and Spark as depositor: no alert', () => {
    expect(verifyUnitPosition(unit42, onChain42)).toEqual([])
    expect(verifyUnitPosition(unit42, { ...onChain42, depositor: SPARK.toUpperCase().replace('0X', '0x') })).toEqual([])
  })

  it('a principal tampered in the Synome (31M instead of 30M) is a mismatch naming both values', () => {
    const alerts = verifyUnitPosition({ ...unit42, principal: '31000000' }, onChain42)
    expect(alerts).toMatchObject([{ code: 'POSITION_NFAT_MISMATCH', entity: { type: 'unit', id: '42' }, details: { mismatches: { principal: { synome: '31000000', chain: '30000000' } } } }])
  })

  it('a different depositor or facility is a mismatch too', () => {
    expect(verifyUnitPosition(unit42, { ...onChain42, depositor: GROVE })[0]?.details.mismatches).toHaveProperty('depositor')
    expect(verifyUnitPosition(unit42, { ...onChain42, facility: GROVE })[0]?.details.mismatches).toHaveProperty('facility')
  })

  it('a missing NFAT is an alert unless the unit is CLOSED (burned on redemption)', () => {
    expect(verifyUnitPosition(unit42, { exists: false }).map((a) => a.code)).toEqual(['POSITION_NFAT_MISSING'])
    expect(verifyUnitPosition({ ...unit42, state: 'CLOSED' }, { exists: false })).toEqual([])
  })

  it('sums claims of sleeves sharing the ALMProxy and flags a shortfall with every sleeve involved', () => {
    const sleeve8 = { ...SEED_STEPS.filling, sleeveId: 'sleeve-8', assets: [{ type: 'USDS', amount: '5000000', location: 'facility-ALMProxy' }] }
    const contracts = { almProxy: `0x${'a'.repeat(40)}`, redeem: `0x${'b'.repeat(40)}` }
    const holdings = claimedHoldings([SEED_STEPS.filling, sleeve8, SEED_STEPS.deploying], () => contracts)
    expect(holdings).toEqual([{ address: contracts.almProxy, token: 'USDS', amount: parseUnitsExact('80000000', 18), sleeveIds: ['sleeve-7', 'sleeve-8'] }])
    expect(verifyHolding(holdings[0]!, parseUnitsExact('80000000', 18))).toEqual([])
    expect(verifyHolding(holdings[0]!, parseUnitsExact('79999999.5', 18))).toMatchObject([
      { code: 'POSITION_BALANCE_SHORTFALL', entity: { type: 'address', id: contracts.almProxy }, details: { claimed: '80000000', onChain: '79999999.5', sleeveIds: ['sleeve-7', 'sleeve-8'] } },
    ])
  })

  it('checks USDC at the ALMProxy in 6 decimals and USDS at the redeem contract', () => {
    const contracts = { almProxy: `0x${'a'.repeat(40)}`, redeem: `0x${'b'.repeat(40)}` }
    expect(claimedHoldings([SEED_STEPS.offboardingConverted], () => contracts)).toEqual([{ address: contracts.almProxy, token: 'USDC', amount: 75_000_000n * 10n ** 6n, sleeveIds: ['sleeve-7'] }])
    expect(claimedHoldings([SEED_STEPS.unwindingAtRedeem], () => contracts)[0]).toMatchObject({ address: contracts.redeem, token: 'USDS' })
  })
})

describe('redeem contract claims after redemptions', () => {
  it('deducts what CLOSED units already redeemed (Spark burned #42 for 31.5M of the 78.75M)', () => {
    const contracts = { almProxy: `0x${'a'.repeat(40)}`, redeem: `0x${'b'.repeat(40)}` }
    const units = [{ ...SEED_UNITS[0]!, state: 'CLOSED', repaymentAmount: '31500000' }, { ...SEED_UNITS[1]!, state: 'REPAYMENT_AVAILABLE', repaymentAmount: '26250000' }]
    expect(claimedHoldings([SEED_STEPS.unwindingAtRedeem], () => contracts, units)[0]!.amount).toBe(parseUnitsExact('47250000', 18))
  })
})

describe('a depositor known only by Prime name', () => {
  it('is not reported as a depositor mismatch (principal and facility are still compared)', () => {
    expect(verifyUnitPosition({ ...unit42, depositor: 'spark' }, onChain42)).toEqual([])
    expect(verifyUnitPosition({ ...unit42, depositor: 'spark', principal: '1' }, onChain42)[0]?.details.mismatches).toHaveProperty('principal')
  })
})
