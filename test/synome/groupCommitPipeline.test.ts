/**
 * The group-commit pipeline (src/synome/groupCommit.ts, maxInFlight 2) without a database: a
 * fake runBatch whose batches are staged (their order fixed, their effect computed) under the
 * test's control. What must not happen: a batch starting before the one ahead of it is staged
 * (it could append first, or build on a state that is not final), a batch not handed the state
 * the one before staged, a third batch in flight, a lone writer split, delayed or lingering, a
 * failed batch stalling the ones behind it.
 */
import { describe, expect, it } from 'vitest'
import { GroupCommitter, type OnStaged } from '../../src/synome/groupCommit.js'

type Step = { items: readonly number[]; previous: string | undefined; stage: () => void; finish: () => void; fail: (error: Error) => void }

/** A committer whose batches wait for the test: `stage()` stages the state "items joined by +", `finish()` answers every item with itself × 10. */
function controlled(options: { maxInFlight?: number; lingerMs?: number; maxBatch?: number } = {}) {
  const steps: Step[] = []
  let running = 0
  let mostRunning = 0
  const committer = new GroupCommitter<number, number, string>(
    (items, previous, onStaged: OnStaged<string>) =>
      new Promise((resolve, reject) => {
        running++
        mostRunning = Math.max(mostRunning, running)
        steps.push({
          items,
          previous,
          stage: () => onStaged(items.join('+')),
          finish: () => {
            running--
            resolve(items.map((i) => ({ ok: true, value: i * 10 })))
          },
          fail: (error) => {
            running--
            reject(error)
          },
        })
      }),
    { maxInFlight: 2, ...options },
  )
  const turn = () => new Promise((resolve) => setImmediate(resolve))
  return { committer, steps, turn, mostRunning: () => mostRunning }
}

describe('group-commit pipeline', () => {
  it('a lone writer: each command is one batch started at once, never split, never lingering', async () => {
    const { committer, steps, turn } = controlled({ lingerMs: 100 })
    for (let i = 1; i <= 3; i++) {
      const answer = committer.submit(i)
      await turn()
      expect(steps).toHaveLength(i)
      expect(steps[i - 1]!.items).toEqual([i])
      steps[i - 1]!.stage()
      steps[i - 1]!.finish()
      expect(await answer).toBe(i * 10)
    }
    expect(committer.stats).toMatchObject({ batches: 3, largestBatch: 1, lingers: 0 })
  })

  it('eight commands queued with nothing in flight: two batches of four, the second started only once the first holds the lock', async () => {
    const { committer, steps, turn } = controlled()
    const answers = Array.from({ length: 8 }, (_, i) => committer.submit(i + 1))
    await turn()
    expect(steps.map((s) => s.items)).toEqual([[1, 2, 3, 4]])
    await turn()
    expect(steps).toHaveLength(1) // not before the first is staged
    steps[0]!.stage()
    await turn()
    await turn()
    expect(steps.map((s) => s.items)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]])
    expect(steps.map((s) => s.previous)).toEqual([undefined, '1+2+3+4']) // built on the first one's staged state
    steps[0]!.finish()
    steps[1]!.stage()
    steps[1]!.finish()
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50, 60, 70, 80])
  })

  it('never a third batch in flight: commands arriving while two run wait for one to end, and then go in one batch', async () => {
    const { committer, steps, turn, mostRunning } = controlled()
    const first = [1, 2].map((i) => committer.submit(i))
    await turn()
    steps[0]!.stage()
    await turn()
    await turn()
    expect(steps).toHaveLength(2)
    steps[1]!.stage() // both in flight, both staged
    const later = [3, 4, 5].map((i) => committer.submit(i))
    for (let i = 0; i < 5; i++) await turn()
    expect(steps).toHaveLength(2)
    expect(committer.queued).toBe(3)
    steps[0]!.finish()
    for (let i = 0; i < 5; i++) await turn()
    expect(steps.map((s) => s.items)).toEqual([[1], [2], [3, 4, 5]]) // behind a batch in flight: not split
    expect(steps[2]!.previous).toBe('2')
    steps[1]!.finish()
    steps[2]!.stage()
    steps[2]!.finish()
    expect(await Promise.all([...first, ...later])).toEqual([10, 20, 30, 40, 50])
    expect(mostRunning()).toBe(2)
  })

  it('a batch’s callers are answered once the batch behind it is staged (so their next checks do not delay its handlers), and at most 5 ms later if it is not', async () => {
    const { committer, steps, turn } = controlled()
    let answered = 0
    const first = [1, 2].map((i) => committer.submit(i).then((v) => (answered++, v)))
    await turn()
    steps[0]!.stage()
    await turn()
    await turn()
    expect(steps).toHaveLength(2) // [1] is staged, [2] runs on it
    steps[0]!.finish()
    for (let i = 0; i < 3; i++) await turn()
    expect(answered).toBe(0) // held back while [2] is not staged
    steps[1]!.stage()
    await expect(first[0]).resolves.toBe(10)
    // the bound: [2] is staged now; [3, 4] starts behind it and is never staged
    const more = [3, 4].map((i) => committer.submit(i))
    for (let i = 0; i < 3; i++) await turn()
    expect(steps.map((s) => s.items)).toEqual([[1], [2], [3, 4]])
    const t = performance.now()
    steps[1]!.finish()
    await expect(first[1]).resolves.toBe(20)
    expect(performance.now() - t).toBeGreaterThanOrEqual(4)
    steps[2]!.stage()
    steps[2]!.finish()
    expect(await Promise.all(more)).toEqual([30, 40])
  })

  it('a batch that fails before it was staged fails its own commands only and releases the batch behind it, with no state to build on', async () => {
    const { committer, steps, turn } = controlled()
    const answers = [1, 2].map((i) => committer.submit(i).catch((e: Error) => e.message))
    await turn()
    expect(steps).toHaveLength(1)
    steps[0]!.fail(new Error('connection refused'))
    for (let i = 0; i < 3; i++) await turn()
    expect(steps).toHaveLength(2)
    expect(steps[1]!.previous).toBeUndefined()
    steps[1]!.stage()
    steps[1]!.finish()
    expect(await Promise.all(answers)).toEqual(['connection refused', 20])
  })

  it('with maxInFlight 1 (PGlite) the next batch waits for the one before to end; maxInFlight outside 1…2 is refused', async () => {
    const { committer, steps, turn } = controlled({ maxInFlight: 1 })
    const answers = [1, 2, 3].map((i) => committer.submit(i))
    await turn()
    expect(steps.map((s) => s.items)).toEqual([[1, 2, 3]]) // never split
    const more = committer.submit(4)
    steps[0]!.stage()
    for (let i = 0; i < 3; i++) await turn()
    expect(steps).toHaveLength(1)
    steps[0]!.finish()
    for (let i = 0; i < 3; i++) await turn()
    steps[1]!.stage()
    steps[1]!.finish()
    expect(await Promise.all([...answers, more])).toEqual([10, 20, 30, 40])
    for (const maxInFlight of [0, 3, 1.5]) expect(() => new GroupCommitter(async () => [], { maxInFlight })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})
