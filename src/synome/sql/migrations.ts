import type { Sql } from './sql.js'

/**
 * Schema migrations, applied in order on start. Append new ones; never edit a shipped one.
 *
 * Why one generic `entities` projection (type, id, indexed parent/state columns, jsonb data)
 * instead of a table per entity type: get, history, as-of and filtered lists are one code
 * path for sleeves, units, attestations, Halo classes, risk frameworks, Core Halos and roles,
 * and commands added by other modules store new entity types without a migration.
 */
/** `sql` is split at semicolons; `statements` run as given (a function body has semicolons of its own). */
const MIGRATIONS: readonly ({ id: number; sql: string } | { id: number; statements: readonly string[] })[] = [
  {
    id: 1,
    sql: `
CREATE TABLE events (
  position bigint PRIMARY KEY,
  time timestamptz NOT NULL,
  actor text NOT NULL,
  role text NOT NULL,
  command text NOT NULL,
  payload jsonb NOT NULL,
  payload_hash text NOT NULL,
  signature text NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  issued_at text NOT NULL,
  expected_version integer,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  result jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE SEQUENCE events_position_seq START 1;
CREATE TABLE entities (
  type text NOT NULL,
  id text NOT NULL,
  version integer NOT NULL,
  created_position bigint NOT NULL,
  position bigint NOT NULL,
  halo_class text,
  sleeve_id text,
  prime text,
  state text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (type, id)
);
CREATE INDEX entities_list ON entities (type, created_position, id);
CREATE INDEX entities_halo_class ON entities (type, halo_class, created_position, id);
CREATE INDEX entities_sleeve ON entities (type, sleeve_id, created_position, id);
CREATE INDEX entities_prime ON entities (type, prime, created_position, id);
CREATE INDEX entities_state ON entities (type, state, created_position, id);
CREATE TABLE entity_versions (
  type text NOT NULL,
  id text NOT NULL,
  version integer NOT NULL,
  position bigint NOT NULL,
  time timestamptz NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (type, id, version)
);
CREATE INDEX entity_versions_time ON entity_versions (type, id, time);
`,
  },
  {
    // Idempotency keys are scoped by signer: another writer reusing a beacon's (predictable)
    // key must not block it. Existing stores keep every event; keys unique before stay unique.
    id: 2,
    sql: `
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_idempotency_key_key;
CREATE UNIQUE INDEX events_actor_idempotency_key ON events (actor, idempotency_key)
`,
  },
  {
    // Signed checkpoints of the log (src/synome/checkpoints.ts). Several may share a tree
    // size (a second key, a restored store); verify-log checks every one.
    id: 3,
    sql: `
CREATE TABLE checkpoints (
  id bigserial PRIMARY KEY,
  tree_size bigint NOT NULL,
  root_hash text NOT NULL,
  last_position bigint NOT NULL,
  head_hash text NOT NULL,
  time text NOT NULL,
  signer text NOT NULL,
  signature text NOT NULL
);
CREATE INDEX checkpoints_signer ON checkpoints (signer, id)
`,
  },
  {
    // Beacon high availability (src/synome/leases.ts): one lease row per (signer, name) whose
    // epoch is the fencing token, and the beacons' journals (signed tx intents) shared by every
    // instance of a beacon. Operational state beside the log, not events in it.
    id: 4,
    sql: `
CREATE TABLE beacon_leases (
  signer text NOT NULL,
  name text NOT NULL,
  holder text NOT NULL,
  epoch bigint NOT NULL,
  acquired_at timestamptz NOT NULL,
  renewed_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  takeovers integer NOT NULL,
  last_request_at timestamptz NOT NULL,
  PRIMARY KEY (signer, name)
);
CREATE TABLE beacon_journal (
  signer text NOT NULL,
  name text NOT NULL,
  seq bigint NOT NULL,
  epoch bigint NOT NULL,
  line jsonb NOT NULL,
  PRIMARY KEY (signer, name, seq)
)
`,
  },
  {
    // Filtered lists (issue 19): a filter on two columns walked one column's index in
    // created_position order and discarded the rows of the other — a Prime with no ACTIVE unit
    // scanned that Prime's whole range. Composite indexes in the list's own order (the query and
    // its ORDER BY are unchanged, so results and pages are the same), and creation time per
    // state for a state + created range filter.
    id: 5,
    sql: `
CREATE INDEX entities_halo_class_state ON entities (type, halo_class, state, created_position, id);
CREATE INDEX entities_prime_state ON entities (type, prime, state, created_position, id);
CREATE INDEX entities_state_created_at ON entities (type, state, created_at)
`,
  },
  {
    // Speculative batches (src/synome/batch.ts EXPECT): a batch computed while the one before
    // commits checks under the append lock that what it built on holds, and this aborts its
    // transaction (SQLSTATE SYN01) before any of its rows when it does not.
    id: 6,
    statements: [
      `CREATE FUNCTION synome_expect(ok boolean, what text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION 'speculation failed: %', what USING ERRCODE = 'SYN01';
  END IF;
END
$fn$`,
    ],
  },
]

/** Apply pending migrations; safe to call from several processes (advisory lock). */
export async function migrate(sql: Sql): Promise<number> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7265001)')
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())')
    const done = new Set((await tx.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)))
    let applied = 0
    for (const migration of MIGRATIONS) {
      if (done.has(migration.id)) continue
      const statements = 'statements' in migration ? migration.statements : migration.sql.split(';').map((s) => s.trim()).filter(Boolean)
      for (const statement of statements) await tx.query(statement)
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id])
      applied++
    }
    return applied
  })
}
