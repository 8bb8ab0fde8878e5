import { vi } from 'vitest'
import { main } from '../../src/cli/main.js'

/** Run `halo …` in-process; capture stdout, stderr and the exit code (reset afterwards). */
export async function runHalo(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true))
  process.exitCode = 0
  try {
    await main(['node', 'halo', ...args])
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
  const code = Number(process.exitCode ?? 0)
  process.exitCode = 0
  return { stdout, stderr, code }
}
