import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { InvalidInputError, NotFoundError } from '../domain/errors.js'

/** Read a JSON file, turning "missing" and "not JSON" into typed errors that name the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new NotFoundError(`cannot read ${path}`, { cause, meta: { field: 'input' } })
  }
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new InvalidInputError(`${path} is not valid JSON`, { details: (cause as Error).message, cause, meta: { field: 'input' } })
  }
}

/**
 * Write a set of files only after every one of them has been computed, each via a temporary
 * file and a rename, so a reader never sees a half-written statement.
 */
export async function writeFilesAtomically(dir: string, files: readonly { name: string; content: string }[]): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const written: string[] = []
  for (const file of files) {
    const path = join(dir, file.name)
    await mkdir(dirname(path), { recursive: true })
    const temporary = `${path}.${process.pid}.tmp`
    await writeFile(temporary, file.content)
    await rename(temporary, path)
    written.push(path)
  }
  return written
}
