import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildContracts, exportPrefix } from '../../src/chain/build.js'
import * as generated from '../../src/chain/generated/index.js'

describe('contract build', () => {
  it('names exports viem-style from the contract name', () => {
    expect(exportPrefix('RateLimits')).toBe('rateLimits')
    expect(exportPrefix('ALMProxy')).toBe('almProxy')
    expect(exportPrefix('USDS')).toBe('usds')
    expect(exportPrefix('PSM')).toBe('psm')
    expect(exportPrefix('BEAMTimeLock')).toBe('beamTimeLock')
    expect(exportPrefix('NFATFacility')).toBe('nfatFacility')
    expect(exportPrefix('Controller')).toBe('controller')
  })

  it('an unchanged tree is served from the cache in well under a second', () => {
    buildContracts()
    const started = performance.now()
    const result = buildContracts()
    expect(result.cached).toBe('output')
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('writes typed ABIs and bytecode per contract', () => {
    expect(generated.psmAbi.some((item) => item.type === 'function' && item.name === 'swapUSDSToUSDC')).toBe(true)
    expect(generated.usdsBytecode).toMatch(/^0x[0-9a-f]{100,}$/)
  })
})

describe('contract build refuses what it must', () => {
  const fixture = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'halo-build-'))
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(root, 'contracts', dirname(name)), { recursive: true })
      writeFileSync(join(root, 'contracts', name), `// SPDX-License-Identifier: AGPL-3.0-or-later\npragma solidity ^0.8.24;\n${text}`)
    }
    return root
  }

  it('fails on a warning in our sources (shadowing, unreachable code)', () => {
    const root = fixture({ 'A.sol': 'contract A { uint256 x; function f(uint256 x) external pure returns (uint256) { return x; revert(); } }' })
    try {
      expect(() => buildContracts({ root })).toThrow(/Solidity build failed[\s\S]*(shadows|Unreachable)/)
      expect(existsSync(join(root, 'src/chain/generated/A.ts'))).toBe(false)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('fails when two contracts share a name', () => {
    const root = fixture({ 'a/Same.sol': 'contract Same {}', 'b/Same.sol': 'contract Same {}' })
    try {
      expect(() => buildContracts({ root })).toThrow(/Contract name Same is defined twice/)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('writes modules for a clean tree, with OpenZeppelin imports resolved', () => {
    const root = fixture({ 'T.sol': 'import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";\ncontract T is ERC20 { constructor() ERC20("t", "t") {} }' })
    try {
      expect(buildContracts({ root })).toMatchObject({ contracts: 1, cached: 'none' })
      const text = readFileSync(join(root, 'src/chain/generated/T.ts'), 'utf8')
      expect(text).toContain('export const tAbi = [')
      expect(text).toMatch(/export const tBytecode: Hex = '0x[0-9a-f]+'/)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
