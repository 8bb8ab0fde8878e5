import { describe, expect, it } from 'vitest'
import { forDrawing, groupDigits, percent } from '../../web/src/format.js'

describe('dashboard display helpers keep money exact', () => {
  it('groups digits without touching the fraction: 78750000.000000000000000001', () => {
    expect(groupDigits('78750000.000000000000000001')).toBe('78,750,000.000000000000000001')
    expect(groupDigits('999')).toBe('999')
    expect(groupDigits('-1234567.5')).toBe('-1,234,567.5')
    expect(groupDigits('0')).toBe('0')
  })

  it('percent moves the decimal point instead of multiplying a float: 0.12 → 12%, 0.07 → 7%, 0.333… stays exact', () => {
    expect(percent('0.12')).toBe('12%')
    expect(percent('0.07')).toBe('7%')
    expect(percent('0.05')).toBe('5%')
    expect(percent('1')).toBe('100%')
    expect(percent('0.333333333333333333')).toBe('33.3333333333333333%')
    expect(percent('0.1')).toBe('10%')
    expect(percent('0')).toBe('0%')
    expect(percent(null)).toBe('—')
    // the float way would print 7.000000000000001%
    expect(`${0.07 * 100}%`).not.toBe(percent('0.07'))
  })

  it('forDrawing is only a chart coordinate', () => {
    expect(forDrawing('75000000')).toBe(75_000_000)
    expect(forDrawing('unlimited')).toBe(0)
  })
})
