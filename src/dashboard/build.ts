/**
 * Dashboard web build: `web/` (Vite + React + TypeScript) → static files in
 * `.cache/dashboard/<hash>/`, built on demand and cached, the way src/chain/build.ts caches
 * the contracts, so `npm install` + `npm start` stays all it takes and nothing built is
 * committed.
 *
 * - Hash: sha256 over every file under web/ (path and content), package-lock.json (a
 *   dependency changes only when the lock does) and this file. A hit costs a directory walk.
 * - Build: Vite's JavaScript API, no config file (the settings below are the config), output
 *   to a temporary directory renamed into place, so a crash mid-build never leaves a
 *   half-written cache entry and two processes building at once both end with a whole one.
 * - Nothing is fetched: Vite bundles what is in node_modules; the page loads no remote asset.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { projectRoot } from '../chain/build.js'
import { BaseError } from '../domain/errors.js'

export class DashboardBuildError extends BaseError {
  override name = 'DashboardBuildError'
  override readonly code: string = 'DASHBOARD_BUILD_FAILED'
}

/** Bound on files under web/ (the app has a few dozen). */
const MAX_FILES = 2_000

function listFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else out.push(path)
      if (out.length > MAX_FILES) throw new DashboardBuildError(`more than ${MAX_FILES} files under web/`)
    }
  }
  walk(dir)
  return out
}

export function dashboardSourceHash(root = projectRoot): string {
  const webDir = join(root, 'web')
  const hash = createHash('sha256')
  hash.update(readFileSync(fileURLToPath(import.meta.url)))
  const lock = join(root, 'package-lock.json')
  if (existsSync(lock)) hash.update(readFileSync(lock))
  for (const file of listFiles(webDir)) hash.update(`\0${relative(webDir, file)}\0`).update(readFileSync(file))
  return hash.digest('hex').slice(0, 32)
}

export type BuildDashboardParameters = { root?: string; log?: (line: string) => void }
export type BuildDashboardReturnType = { dir: string; hash: string; cached: boolean; ms: number }

/** The built dashboard's directory (index.html + assets/), building it first when the cache misses. */
export async function buildDashboard({ root = projectRoot, log = () => {} }: BuildDashboardParameters = {}): Promise<BuildDashboardReturnType> {
  const started = performance.now()
  const webDir = join(root, 'web')
  if (!existsSync(join(webDir, 'index.html'))) throw new DashboardBuildError(`no dashboard sources at ${webDir}`)
  const hash = dashboardSourceHash(root)
  const cacheDir = join(root, '.cache/dashboard')
  const dir = join(cacheDir, hash)
  if (existsSync(join(dir, 'index.html'))) return { dir, hash, cached: true, ms: performance.now() - started }

  log(`building the dashboard (web/ changed or first run; cached as ${hash.slice(0, 12)})`)
  mkdirSync(cacheDir, { recursive: true })
  const temporary = join(cacheDir, `${hash}.tmp-${process.pid}`)
  rmSync(temporary, { recursive: true, force: true })
  const { build } = await import('vite')
  try {
    await build({
      root: webDir,
      configFile: false,
      logLevel: 'warn',
      // Always the production React build, whatever NODE_ENV the caller runs under (vitest sets "test").
      mode: 'production',
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      base: '/',
      oxc: { jsx: { runtime: 'automatic', development: false } },
      build: {
        outDir: temporary,
        emptyOutDir: true,
        sourcemap: false,
        chunkSizeWarningLimit: 1500,
        reportCompressedSize: false,
        // react-router marks its modules "use client" (a server-components hint; meaningless in a SPA bundle)
        rolldownOptions: { onLog: (level, entry, handler) => (entry.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : handler(level, entry)) },
      },
    })
  } catch (cause) {
    rmSync(temporary, { recursive: true, force: true })
    throw new DashboardBuildError('the dashboard build failed', { cause, details: (cause as Error).message?.split('\n').slice(0, 5).join('\n') })
  }
  try {
    renameSync(temporary, dir)
  } catch (error) {
    // another process finished the same build first: keep its copy
    rmSync(temporary, { recursive: true, force: true })
    if (!existsSync(join(dir, 'index.html'))) throw error
  }
  // keep the cache small: drop other builds, and temporaries of processes no longer running
  for (const entry of readdirSync(cacheDir)) {
    const pid = /\.tmp-(\d+)$/.exec(entry)?.[1]
    if (entry !== hash && (pid === undefined || !processAlive(Number(pid)))) rmSync(join(cacheDir, entry), { recursive: true, force: true })
  }
  return { dir, hash, cached: false, ms: performance.now() - started }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await buildDashboard({ log: (line) => console.log(line) })
  console.log(`dashboard: ${result.cached ? 'cached' : 'built'} in ${Math.round(result.ms)} ms at ${relative(process.cwd(), result.dir)}`)
}
