import { Counter, Gauge, Registry } from 'prom-client'

/** Prometheus metrics of one lpha-nfat process (its own registry, so tests can run several). */
export function createNfatMetrics(registry = new Registry()) {
  return {
    registry,
    decisions: new Counter({ name: 'lpha_nfat_decisions_total', help: 'Decisions taken, by action kind (wait included)', labelNames: ['halo_class', 'action'] as const, registers: [registry] }),
    txs: new Counter({ name: 'lpha_nfat_transactions_total', help: 'Chain actions sent or resumed, by call', labelNames: ['halo_class', 'action'] as const, registers: [registry] }),
    errors: new Counter({ name: 'lpha_nfat_errors_total', help: 'Failed steps, by stage', labelNames: ['halo_class', 'stage'] as const, registers: [registry] }),
    sleeves: new Gauge({ name: 'lpha_nfat_sleeves', help: 'Sleeves of the Halo class by state', labelNames: ['halo_class', 'state'] as const, registers: [registry] }),
    ticks: new Counter({ name: 'lpha_nfat_ticks_total', help: 'Reconcile ticks run', labelNames: ['halo_class'] as const, registers: [registry] }),
  }
}

export type NfatMetrics = ReturnType<typeof createNfatMetrics>
