import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { NotFoundError } from '../../domain/errors.js'
import type { SynomeService } from '../service.js'

/**
 * Prometheus metrics of one Synome HTTP server (its own registry): appends and replays, how
 * long an append takes, refusals by stable error code (401s included), the log head and the
 * newest signed checkpoint's tree size — both read from the store at scrape time, so they are
 * right even when several servers share one PostgreSQL database.
 */
export function createSynomeMetrics(service: SynomeService, registry = new Registry()) {
  const metrics = {
    registry,
    commands: new Counter({ name: 'synome_commands_total', help: 'Commands answered, by outcome (appended, replayed, refused)', labelNames: ['command', 'outcome'] as const, registers: [registry] }),
    appendSeconds: new Histogram({
      name: 'synome_append_duration_seconds',
      help: 'Time to verify, authorise, check and append one command (appended commands only)',
      labelNames: ['command'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    refusals: new Counter({ name: 'synome_refusals_total', help: 'Requests refused, by stable error code', labelNames: ['code'] as const, registers: [registry] }),
    position: new Gauge({
      name: 'synome_log_position',
      help: 'Position of the last event in the log (0 when empty)',
      registers: [registry],
      async collect() {
        this.set((await service.head()).position)
      },
    }),
    batches: new Counter({
      name: 'synome_group_commit_batches_total',
      help: 'Group-commit batches run by this process (one transaction each)',
      registers: [registry],
      collect() {
        this.reset()
        this.inc(service.groupCommit.stats.batches)
      },
    }),
    batchedCommands: new Counter({
      name: 'synome_group_commit_commands_total',
      help: 'Commands appended through group-commit batches by this process (divide by batches for the mean batch size)',
      registers: [registry],
      collect() {
        this.reset()
        this.inc(service.groupCommit.stats.commands)
      },
    }),
    speculative: new Counter({
      name: 'synome_speculative_batches_total',
      help: 'Batches run on the staged state of the batch before while it committed (PostgreSQL); outcome="again": ran again under the append lock, of which outcome="refuted": what they assumed did not hold',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        this.reset()
        const { batches, again, refuted } = service.speculation
        this.inc({ outcome: 'all' }, batches)
        this.inc({ outcome: 'again' }, again)
        this.inc({ outcome: 'refuted' }, refuted)
      },
    }),
    queued: new Gauge({
      name: 'synome_group_commit_queued',
      help: 'Commands waiting for the next batch (refused with STORE_UNAVAILABLE beyond the queue bound)',
      registers: [registry],
      collect() {
        this.set(service.groupCommit.queued)
      },
    }),
    checkpointTreeSize: new Gauge({
      name: 'synome_checkpoint_tree_size',
      help: 'Events covered by the newest signed checkpoint (0 when none); alert when it falls behind the log position',
      registers: [registry],
      async collect() {
        const latest = await service.latestCheckpoint().catch((error: unknown) => {
          if (error instanceof NotFoundError) return undefined
          throw error
        })
        this.set(latest?.treeSize ?? 0)
      },
    }),
  }
  return metrics
}
export type SynomeMetrics = ReturnType<typeof createSynomeMetrics>
