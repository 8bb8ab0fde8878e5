import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../src/chain/build.js'
import { buildDashboard, dashboardSourceHash } from '../../src/dashboard/build.js'

const root = mkdtempSync(join(tmpdir(), 'dashboard-build-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('dashboard build cache', () => {
  it('a changed, added or renamed file under web/ changes the cache key, so a stale bundle is never served', () => {
    cpSync(join(projectRoot, 'web'), join(root, 'web'), { recursive: true })
    const first = dashboardSourceHash(root)
    expect(dashboardSourceHash(root)).toBe(first)
    writeFileSync(join(root, 'web/src/format.ts'), '// changed\n', { flag: 'a' })
    const changed = dashboardSourceHash(root)
    expect(changed).not.toBe(first)
    writeFileSync(join(root, 'web/src/extra.ts'), 'export {}\n')
    expect(dashboardSourceHash(root)).not.toBe(changed)
  })

  it('the project build is reused when nothing changed', async () => {
    const built = await buildDashboard()
    const again = await buildDashboard()
    expect(again).toMatchObject({ dir: built.dir, hash: built.hash, cached: true })
    expect(again.ms).toBeLessThan(1000)
  }, 120_000)
})
