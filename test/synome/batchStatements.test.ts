/**
 * The two round trips of a group-commit batch (src/synome/sql/sql.ts queryMany / atCommit; on
 * PostgreSQL one simple-protocol query each, parameters inlined as literals): each statement's
 * rows in order, parameters arriving exactly (quotes, backslashes, any Unicode, JSON), a failing
 * last statement rolling the whole transaction back, and — the property the batch's head read
 * rests on — a statement after the lock in the same round trip seeing what the lock holder
 * committed. On both backends (PGlite: the fallback, one query each).
 */
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { inlineParams } from '../../src/synome/sql/pg.js'
import { queryAll, queryAtCommit } from '../../src/synome/sql/sql.js'
import { storeBackends, useStore } from '../fixtures/store.js'

const NASTY = ["it's", 'back\\slash', "both \\' and ''", 'ünïcødé ✓ 𝄞', '$1 $2 not placeholders inside a value', 'new\nline\ttab', '']

describe.each(storeBackends())('batch statements on $name', (backend) => {
  const store = useStore(backend)

  it('queryMany returns each statement’s rows in order, the parameters exactly as sent', async () => {
    const json = JSON.stringify({ text: NASTY, quote: '"', n: -1.5 })
    const rows = await store.sql.transaction((tx) =>
      queryAll(tx, [
        { text: 'SELECT 1 AS one' },
        ...NASTY.map((value) => ({ text: 'SELECT $1::text AS value, $2::int AS n', params: [value, -7] })),
        { text: 'SELECT $1::jsonb AS doc, $2::boolean AS flag, $3::text AS nothing', params: [json, true, null] },
      ]),
    )
    expect(rows[0]).toEqual([{ one: 1 }])
    NASTY.forEach((value, i) => expect(rows[i + 1]).toEqual([{ value, n: -7 }]))
    expect(rows.at(-1)).toEqual([{ doc: JSON.parse(json), flag: true, nothing: null }])
  })

  it('a failing atCommit statement rolls the whole transaction back and rejects it', async () => {
    await store.sql.exec('DROP TABLE IF EXISTS batch_probe; CREATE TABLE batch_probe (id int PRIMARY KEY)')
    await expect(
      store.sql.transaction(async (tx) => {
        await queryAll(tx, [{ text: 'INSERT INTO batch_probe VALUES ($1)', params: [1] }])
        await queryAtCommit(tx, { text: 'INSERT INTO batch_probe VALUES ($1), ($1)', params: [2] })
      }),
    ).rejects.toThrow(/duplicate key/)
    expect(await store.sql.query('SELECT count(*)::int AS n FROM batch_probe')).toEqual([{ n: 0 }])
    await store.sql.transaction((tx) => queryAtCommit(tx, { text: 'INSERT INTO batch_probe VALUES ($1)', params: [3] }))
    expect(await store.sql.query('SELECT id FROM batch_probe')).toEqual([{ id: 3 }])
  })

  it.runIf(backend.name === 'postgres')('a statement after the lock in the same round trip sees what the lock holder committed (its own snapshot)', async () => {
    await store.sql.exec('DROP TABLE IF EXISTS batch_head; CREATE TABLE batch_head (position int)')
    const holder = new pg.Client({ connectionString: store.databaseUrl })
    await holder.connect()
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT pg_advisory_xact_lock(4242)')
      const reader = store.sql.transaction((tx) => queryAll(tx, [{ text: 'SELECT pg_advisory_xact_lock($1)', params: [4242] }, { text: 'SELECT max(position) AS head FROM batch_head' }]))
      await new Promise((resolve) => setTimeout(resolve, 100))
      await holder.query('INSERT INTO batch_head VALUES (1)')
      await holder.query('COMMIT')
      expect((await reader)[1]).toEqual([{ head: 1 }])
    } finally {
      await holder.end()
    }
  })

  it('inlineParams refuses a missing parameter and values that are not text, numbers, booleans or null', () => {
    expect(() => inlineParams({ text: 'SELECT $2', params: [1] })).toThrow(/no parameter \$2/)
    expect(() => inlineParams({ text: 'SELECT $1', params: [{}] })).toThrow(/neither text/)
    expect(() => inlineParams({ text: 'SELECT $1', params: [Number.NaN] })).toThrow(/finite/)
    expect(inlineParams({ text: 'SELECT $1, $2, $3', params: ["a'b", 'c\\d', -2] })).toBe("SELECT 'a''b',  E'c\\\\d', (-2)")
  })
})
