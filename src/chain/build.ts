/**
 * Contract build: every `contracts/**\/*.sol` → `src/chain/generated/<ContractName>.ts`
 * (`<contractName>Abi` as const, `<contractName>Bytecode` as Hex) + `index.ts`.
 *
 * - Compiler: the npm `solc` (solcjs, no native binary, no download), optimizer on,
 *   EVM version `cancun` (anvil 1.7 runs prague by default, which is a superset).
 * - Imports: `@openzeppelin/...` (any package) resolve from node_modules; relative imports
 *   resolve against the importing file.
 * - Cache: sha256 over compiler version + settings + every source path and content. A hit
 *   skips solc entirely (`.cache/solc/<hash>.json`); when `generated/.stamp` already holds the
 *   hash nothing is written either, so an unchanged tree builds in well under a second.
 * - Generated files are built, not committed (`.gitignore`): `pretest`, `prestart` and
 *   `pretypecheck` run this script, so a fresh checkout never typechecks against stale ABIs,
 *   and `bin/halo.mjs` runs it before loading the CLI, so every `halo` command works right
 *   after `npm install` (silent and ~10 ms when the cache is warm).
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BaseError } from '../domain/errors.js'

const require = createRequire(import.meta.url)
type Solc = { version(): string; compile(input: string, callbacks?: unknown): string }
/** Loaded only to compile: a warm cache (every `halo` start) never pays for the compiler. */
const loadSolc = (): Solc => require('solc') as Solc
/** The npm solc package pins one compiler build, so its version names the compiler. */
const solcVersion = (): string => (require('solc/package.json') as { version: string }).version

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const nodeModulesDir = join(projectRoot, 'node_modules')

/** Where a build reads and writes; `root` other than the project is for the build's own tests. */
type BuildPaths = { root: string; contractsDir: string; generatedDir: string; cacheDir: string }
function buildPaths(root: string): BuildPaths {
  return {
    root,
    contractsDir: join(root, 'contracts'),
    generatedDir: join(root, 'src/chain/generated'),
    cacheDir: join(root, '.cache/solc'),
  }
}

export const compilerSettings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.immutableReferences'] } },
} as const

/**
 * Warnings are errors when they come from our own sources: every solc warning in practice
 * marks a real defect or a trap — unreachable code (5740), shadowing (2519, 8760), unused
 * return values of low-level calls (9302), unused variables/parameters (2072, 5667),
 * state mutability that could be tighter (2018), contract size over EIP-170 (5574),
 * missing SPDX/pragma (1878, 3420). Rather than a list that drifts, we fail on all of them
 * and ignore only warnings located in dependencies (node_modules), which we do not own.
 */
function isOwnSource(sourceName: string | undefined): boolean {
  return sourceName !== undefined && sourceName.startsWith('contracts/')
}

export class ContractBuildError extends BaseError {
  override name = 'ContractBuildError'
  override readonly code: string = 'CONTRACT_BUILD_FAILED'
}

type SolcMessage = {
  severity: 'error' | 'warning' | 'info'
  formattedMessage: string
  errorCode?: string
  sourceLocation?: { file: string }
}
type SolcOutput = {
  errors?: SolcMessage[]
  contracts?: Record<
    string,
    Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode?: { immutableReferences?: Record<string, Array<{ start: number; length: number }>> } } }>
  >
}
/**
 * `immutableRanges`: [start, length] of every immutable in the runtime code, sorted. The
 * HaloFactory's inventory masks them to compare a hand-deployed contract's code with a
 * template implementation's (the same code with other constructor arguments).
 */
export type BuiltContract = { name: string; sourceName: string; abi: unknown[]; bytecode: string; immutableRanges: Array<[number, number]> }

function listSolidityFiles(dir: string, limit = 10_000): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (out.length > limit) throw new ContractBuildError(`More than ${limit} Solidity files under contracts/`)
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.sol')) out.push(path)
    }
  }
  walk(dir)
  return out
}

/** Source unit names are project-relative (`contracts/pau/RateLimits.sol`). */
function readSources(paths: BuildPaths): Record<string, { content: string }> {
  const sources: Record<string, { content: string }> = {}
  for (const file of listSolidityFiles(paths.contractsDir)) {
    sources[relative(paths.root, file)] = { content: readFileSync(file, 'utf8') }
  }
  return sources
}

function importResolver(paths: BuildPaths) {
  return (path: string): { contents: string } | { error: string } => {
    for (const candidate of [join(paths.root, path), join(nodeModulesDir, path)]) {
      if (existsSync(candidate)) return { contents: readFileSync(candidate, 'utf8') }
    }
    return { error: `import not found: ${path} (looked in the project and node_modules)` }
  }
}

/**
 * Hash of everything that can change the output. Imported dependency files are covered by
 * the package-lock hash (a dependency changes only when the lock does).
 */
function buildHash(sources: Record<string, { content: string }>): string {
  const hash = createHash('sha256')
  hash.update(solcVersion())
  hash.update(JSON.stringify(compilerSettings))
  hash.update(readFileSync(fileURLToPath(import.meta.url)))
  const lock = join(projectRoot, 'package-lock.json')
  if (existsSync(lock)) hash.update(readFileSync(lock))
  for (const [name, { content }] of Object.entries(sources)) hash.update(`\0${name}\0${content}`)
  return hash.digest('hex').slice(0, 32)
}

function runSolc(paths: BuildPaths, sources: Record<string, { content: string }>): BuiltContract[] {
  const input = { language: 'Solidity', sources, settings: compilerSettings }
  const output = JSON.parse(loadSolc().compile(JSON.stringify(input), { import: importResolver(paths) })) as SolcOutput
  const blocking = (output.errors ?? []).filter(
    (m) => m.severity === 'error' || (m.severity === 'warning' && isOwnSource(m.sourceLocation?.file)),
  )
  if (blocking.length > 0) {
    throw new ContractBuildError(`Solidity build failed with ${blocking.length} error(s)/warning(s)`, {
      details: blocking.map((m) => m.formattedMessage).join('\n'),
    })
  }
  const built: BuiltContract[] = []
  for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
    if (!isOwnSource(sourceName)) continue
    for (const [name, artifact] of Object.entries(contracts)) {
      const references = Object.values(artifact.evm.deployedBytecode?.immutableReferences ?? {}).flat()
      const immutableRanges = references.map((r): [number, number] => [r.start, r.length]).sort((a, b) => a[0] - b[0])
      built.push({ name, sourceName, abi: artifact.abi, bytecode: `0x${artifact.evm.bytecode.object}`, immutableRanges })
    }
  }
  assertBuildable(built)
  return built.sort((a, b) => a.name.localeCompare(b.name))
}

/** One generated module per contract name, so names must be unique across contracts/. */
function assertBuildable(built: BuiltContract[]): void {
  const seen = new Map<string, string>()
  for (const c of built) {
    const previous = seen.get(c.name)
    if (previous) {
      throw new ContractBuildError(`Contract name ${c.name} is defined twice`, {
        details: `${previous} and ${c.sourceName}; generated modules are keyed by contract name`,
      })
    }
    seen.set(c.name, c.sourceName)
    if (c.bytecode.includes('__$')) {
      throw new ContractBuildError(`${c.name} needs library linking, which the build does not do`, {
        details: 'make the library functions internal so they are inlined',
      })
    }
  }
}

/** `RateLimits` → `rateLimits`, `ALMProxy` → `almProxy`, `USDS` → `usds`, `sUSDS` → `sUSDS`. */
export function exportPrefix(contractName: string): string {
  const leadingCaps = /^[A-Z]+/.exec(contractName)?.[0] ?? ''
  if (leadingCaps.length === contractName.length) return contractName.toLowerCase()
  if (leadingCaps.length <= 1) return contractName.charAt(0).toLowerCase() + contractName.slice(1)
  // Keep the last capital of an acronym run when a lowercase word follows (ALMProxy → almProxy).
  const lowerUntil = /[a-z]/.test(contractName.charAt(leadingCaps.length)) ? leadingCaps.length - 1 : leadingCaps.length
  return contractName.slice(0, lowerUntil).toLowerCase() + contractName.slice(lowerUntil)
}

function moduleText(c: BuiltContract): string {
  const prefix = exportPrefix(c.name)
  return [
    `// Generated by src/chain/build.ts from ${c.sourceName}. Do not edit.`,
    `import type { Hex } from 'viem'`,
    ``,
    `export const ${prefix}Abi = ${JSON.stringify(c.abi, null, 2)} as const`,
    ``,
    `export const ${prefix}Bytecode: Hex = '${c.bytecode}'`,
    ``,
    `/** [start, length] of each immutable in the runtime code. */`,
    `export const ${prefix}ImmutableRanges = ${JSON.stringify(c.immutableRanges ?? [])} as const satisfies ReadonlyArray<readonly [number, number]>`,
    ``,
  ].join('\n')
}

/**
 * Every custom error of every contract, once per signature. A revert raised by a contract
 * the caller did not target (RateLimits under the Controller) decodes by name only when its
 * error is in the ABI passed to viem: writeAndWait appends this list.
 */
function errorsModuleText(built: BuiltContract[]): string {
  const bySignature = new Map<string, unknown>()
  for (const c of built) {
    for (const item of c.abi as Array<{ type: string; name: string; inputs: Array<{ type: string }> }>) {
      if (item.type !== 'error') continue
      bySignature.set(`${item.name}(${item.inputs.map((i) => i.type).join(',')})`, item)
    }
  }
  const sorted = [...bySignature.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, item]) => item)
  return `// Generated by src/chain/build.ts. Do not edit.\nexport const allErrorsAbi = ${JSON.stringify(sorted, null, 2)} as const\n`
}

/**
 * Other processes (parallel test runs) may be importing these modules while we write: each
 * file is written to a temporary name and renamed (atomic), then stale modules are removed.
 */
function writeGenerated(paths: BuildPaths, built: BuiltContract[], hash: string): void {
  const { generatedDir } = paths
  mkdirSync(generatedDir, { recursive: true })
  const files = new Map<string, string>(built.map((c) => [`${c.name}.ts`, moduleText(c)]))
  files.set('errors.ts', errorsModuleText(built))
  const index = [...built.map((c) => `export * from './${c.name}.js'`), `export * from './errors.js'`].join('\n')
  files.set('index.ts', `// Generated by src/chain/build.ts. Do not edit.\n${index}\n`)
  for (const [name, text] of files) {
    const target = join(generatedDir, name)
    if (existsSync(target) && readFileSync(target, 'utf8') === text) continue
    writeAtomic(target, text)
  }
  for (const name of readdirSync(generatedDir)) {
    if (name.endsWith('.ts') && !files.has(name)) rmSync(join(generatedDir, name), { force: true })
  }
  writeAtomic(join(generatedDir, '.stamp'), hash)
}

function writeAtomic(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, text)
  renameSync(temporary, path)
}

export type BuildContractsParameters = { root?: string | undefined }
export type BuildContractsReturnType = { hash: string; contracts: number; cached: 'output' | 'compile' | 'none' }

export function buildContracts({ root = projectRoot }: BuildContractsParameters = {}): BuildContractsReturnType {
  const paths = buildPaths(root)
  const sources = readSources(paths)
  const hash = buildHash(sources)
  const stamp = join(paths.generatedDir, '.stamp')
  const cacheFile = join(paths.cacheDir, `${hash}.json`)
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(cacheFile)) {
    const count = (JSON.parse(readFileSync(cacheFile, 'utf8')) as BuiltContract[]).length
    return { hash, contracts: count, cached: 'output' }
  }
  if (existsSync(cacheFile)) {
    const built = JSON.parse(readFileSync(cacheFile, 'utf8')) as BuiltContract[]
    writeGenerated(paths, built, hash)
    return { hash, contracts: built.length, cached: 'compile' }
  }
  const built = runSolc(paths, sources)
  mkdirSync(paths.cacheDir, { recursive: true })
  writeAtomic(cacheFile, JSON.stringify(built))
  writeGenerated(paths, built, hash)
  return { hash, contracts: built.length, cached: 'none' }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now()
  try {
    const result = buildContracts()
    const ms = Math.round(performance.now() - started)
    const how = result.cached === 'none' ? 'compiled' : 'cached'
    console.log(`contracts: ${result.contracts} ${how} in ${ms} ms (${result.hash.slice(0, 12)})`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
