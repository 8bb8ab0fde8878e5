/**
 * `npm run bench:gas`: gas per rate-limited action beside the same action without the PAU,
 * measured in one run on a fresh anvil per section, with the overhead ratio.
 * Sections are the files in bench/gas/ that export `section` (see bench/gas/section.ts).
 * `--json` prints the rows as JSON instead of a table.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { buildContracts } from '../src/chain/build.js'
import { devnetClients, startAnvil } from '../src/chain/devnet.js'
import { gasContext, ratio, type GasRow, type GasSection } from './gas/section.js'

const sectionsDir = join(fileURLToPath(new URL('.', import.meta.url)), 'gas')

async function loadSections(): Promise<GasSection[]> {
  const files = readdirSync(sectionsDir).filter((f) => f.endsWith('.ts') && f !== 'section.ts').sort()
  const sections: GasSection[] = []
  for (const file of files) {
    const module = (await import(pathToFileURL(join(sectionsDir, file)).href)) as { section?: GasSection }
    if (module.section) sections.push(module.section)
  }
  return sections
}

function table(title: string, rows: GasRow[]): string {
  const lines = rows.map((r) => [r.action, r.gas.toString(), r.baseline?.action ?? '', r.baseline ? r.baseline.gas.toString() : '', r.baseline ? ratio(r.gas, r.baseline.gas) : ''])
  const header = ['action', 'gas', 'baseline (same run)', 'gas', 'ratio']
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 3 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')
  return [`\n${title}`, fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n')
}

async function main(): Promise<void> {
  buildContracts()
  const json = process.argv.includes('--json')
  const results: Array<{ title: string; rows: GasRow[] }> = []
  for (const section of await loadSections()) {
    const anvil = await startAnvil()
    try {
      const rows = await section.run(gasContext(devnetClients(anvil)))
      results.push({ title: section.title, rows })
      if (!json) console.log(table(section.title, rows))
    } finally {
      await anvil.stop()
    }
  }
  if (json) console.log(JSON.stringify(results, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2))
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})

