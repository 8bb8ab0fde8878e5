import type { Command } from 'commander'
import { portfolioClassStatus, portfolioUnitStatus, type PortfolioClassStatus, type PortfolioUnitStatus } from '../portfolio/status.js'
import { registerPortfolioCommands } from '../synome/commands/portfolio/index.js'
import { readerOptions, withReader, type ReaderOptions } from './agents.js'

/**
 * `halo portfolio status <class>` and `halo portfolio unit <unit>`: a Portfolio Halo class and
 * one unit as the Synome records them (src/portfolio/status.ts). Reads only; `--json` prints
 * the exact figures as decimal strings.
 */
const out = (line: string) => void process.stdout.write(`${line}\n`)

function printClass(status: PortfolioClassStatus): void {
  out(`class ${status.classId} — ${status.name} (${status.books.length} book${status.books.length === 1 ? '' : 's'})`)
  for (const book of status.books) {
    out(`  book ${book.bookId}: assets ${book.assets} = units' NAV ${book.liabilities}${book.balanced ? '' : '  UNBALANCED'}; last NAV report ${book.lastReport ? `${book.lastReport.reportId} at ${book.lastReport.reportedAt} (${book.lastReport.kind} ${book.lastReport.amount})` : 'none'}`)
    for (const u of book.units) {
      out(`    ${u.unitId}  rank ${u.rank} ${u.seniority}  shares ${u.shares}  NAV ${u.nav}  per share ${u.navPerShare}  attaches at ${u.tranche.attachment}${u.signals.length ? `  SIGNALS ${u.signals.map((s) => s.code).join(', ')}` : ''}`)
    }
  }
}

function printUnit(u: PortfolioUnitStatus): void {
  out(`unit ${u.unitId} — book ${u.bookId}, class ${u.classId}`)
  out(`  tranche: rank ${u.rank} (${u.seniority}), ${u.yield.kind === 'target' ? `target ${u.yield.rateBps} bps` : 'residual yield'}; subordination ${u.tranche.subordination}, attaches at ${u.tranche.attachment}, detaches at ${u.tranche.detachment} of book assets`)
  out(`  position: shares ${u.shares}, NAV ${u.nav}, NAV per share ${u.navPerShare}`)
  for (const [prime, shares] of Object.entries(u.holders)) out(`    ${prime} holds ${shares} shares`)
  out(`  migration path (Unit Artifact): ${u.migrationPath ?? 'none recorded'}`)
  out(`  signals: ${u.signals.length ? u.signals.map((s) => `${s.code} (${s.message})`).join('; ') : 'none'}`)
  out(`  queues: ${u.queues ? `epoch ${u.queues.epoch}, subscribe generation ${u.queues.subscribe?.generationId ?? '-'}${u.queues.subscribe?.finalized ? ' finalized' : ''}, redeem generation ${u.queues.redeem?.generationId ?? '-'}${u.queues.redeem?.finalized ? ' finalized' : ''}` : 'no LCTS settlement recorded'}`)
  out(`  NAV history (${u.navHistory.length}):`)
  for (const p of u.navHistory) out(`    ${p.reportedAt}  NAV ${p.nav}  shares ${p.shares}  per share ${p.navPerShare}`)
  out(`  settlements (${u.settlements.length}):`)
  for (const s of u.settlements) out(`    ${s.epoch}  subscribed ${s.subscribed} → ${s.sharesMinted} shares; redeemed ${s.redeemedShares} shares → ${s.amountPaid}`)
}

export function register(program: Command): void {
  // reading a local store replays its log, which needs the Portfolio commands registered
  registerPortfolioCommands()
  const portfolio = program.command('portfolio').description('Portfolio (Passthrough) Halo classes, books and units in the Synome')
  readerOptions(portfolio.command('status <class>'))
    .description('a Portfolio class: its books (balance, last NAV report) and units (tranche, NAV per share, signals)')
    .action(async (classId: string, options: ReaderOptions) =>
      withReader(options, async (client) => {
        const status = await portfolioClassStatus(client, classId, new Date())
        if (options.json) out(JSON.stringify(status))
        else printClass(status)
      }))
  readerOptions(portfolio.command('unit <unit>'))
    .description('one Portfolio unit: tranche position, holdings per Prime, signals, LCTS queues and generations, NAV history, settlements')
    .action(async (unitId: string, options: ReaderOptions) =>
      withReader(options, async (client) => {
        const status = await portfolioUnitStatus(client, unitId, new Date())
        if (options.json) out(JSON.stringify(status))
        else printUnit(status)
      }))
}
