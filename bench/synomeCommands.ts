import { randomBytes } from 'node:crypto'
import type { LocalAccount } from 'viem'
import { signCommand, type SignedCommand } from '../src/synome/signing.js'

/** The bench's command mix: createSleeve, then sweeps of 3 units into it, all signed by `account`. */
export async function signBatch(account: LocalAccount, tag: string, count: number): Promise<SignedCommand[]> {
  const out: SignedCommand[] = []
  for (let i = 0; out.length < count; i++) {
    const sleeveId = `bench-${tag}-${i}`
    out.push(await signCommand({ account, command: 'createSleeve', payload: { sleeveId, haloClass: 'class-0' }, idempotencyKey: `${sleeveId}:create`, issuedAt: new Date().toISOString() }))
    for (let u = 0; u < 3 && out.length < count; u++) {
      const unitId = Number.parseInt(randomBytes(5).toString('hex'), 16)
      const unit = { unitId, nfat: { tokenId: String(unitId), facility: `0x${'ab'.repeat(20)}`, txHash: `0x${'cd'.repeat(32)}` }, principal: '1000000', dealTerms: { apy: '0.05', maturity: '2027-01-01T00:00:00Z', paymentSchedule: 'bullet' }, depositorPrime: `prime-${u}` }
      out.push(await signCommand({ account, command: 'sweepUnit', payload: { sleeveId, unit }, idempotencyKey: `${sleeveId}:sweep:${u}`, issuedAt: new Date().toISOString() }))
    }
  }
  return out
}
