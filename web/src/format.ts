/**
 * Display helpers. Money arrives as exact decimal strings and is shown as exact strings, only
 * grouped ("78,750,000.5"): no float ever touches a label. `forDrawing` is the one place a
 * string becomes a number, for chart geometry only (bar heights, step positions).
 */
export function groupDigits(exact: string): string {
  const negative = exact.startsWith('-')
  const [whole = '0', fraction] = (negative ? exact.slice(1) : exact).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`
}

/** A chart coordinate (may lose precision: never shown as a label). */
export function forDrawing(exact: string | null | undefined): number {
  if (!exact || exact === 'unlimited') return 0
  return Number(exact)
}

/** An exact decimal fraction ("0.12") as an exact percentage string ("12%"), by moving the point. */
export function percent(fraction: string | null | undefined): string {
  if (fraction === null || fraction === undefined) return '—'
  const [whole = '0', frac = ''] = fraction.split('.')
  const digits = `${whole}${frac.padEnd(2, '0')}`
  const int = digits.slice(0, whole.length + 2).replace(/^0+(?=\d)/, '')
  const rest = digits.slice(whole.length + 2).replace(/0+$/, '')
  return `${int}${rest ? `.${rest}` : ''}%`
}

export function shortHex(value: string, keep = 6): string {
  return value.length > 2 + keep * 2 ? `${value.slice(0, 2 + keep)}…${value.slice(-4)}` : value
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '—'
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')
}
