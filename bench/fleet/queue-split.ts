/**
 * A SQL-only experiment (issue 15, round 4): what would moving the Outbox's changing columns out
 * of `messages` into a small table of their own save PostgreSQL per delivered message?
 *
 *   node --import tsx bench/fleet/queue-split.ts [messages per round] [rounds]
 *
 * In a throwaway durable cluster, two layouts of the same queue, alternated: `wide` is migration
 * 48's `messages` as it is (every claim and every result is a non-HOT update of the message's row,
 * which writes an entry in each of its six indexes), `split` keeps the message's fixed columns
 * (raw, sender, …) in one table and state, lease and schedule in `queue` (three indexes). Each
 * round claims batches of 5 and completes them (attempt row and all) as the Outbox does, one
 * statement each, prepared, autocommit; the backend's CPU comes from /proc and the WAL from the
 * LSN. The statements are the shape of outbox-claim.ts and outbox-results.ts without the hand-over
 * scope, suspensions and sequences (the same in both layouts).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { startPostgres } from '../../test/helpers/postgres.js';
import { openPgStore } from '../../src/storage/postgres/store.js';

const PER_ROUND = Number(process.argv[2] ?? 5_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const BATCH = 5;
const TEXT = 'The backup of documents failed: the vault at /srv/vault is unreachable (ENOENT).\n'.repeat(24);
const TRANSCRIPT = ['* reusing the connection to 127.0.0.1:2525', 'C: MAIL FROM:<vigil@example.com>', 'S: 250 Accepted', 'C: RCPT TO:<ops@example.com>', 'S: 250 Accepted', 'C: DATA', 'S: 354 End data with <CR><LF>.<CR><LF>', 'C: <message data, 2310 bytes>', 'S: 250 OK: message queued'].join('\n');

const SPLIT_SCHEMA = `
  CREATE TABLE queue (
    id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    host TEXT, priority INTEGER NOT NULL, state TEXT NOT NULL, next_attempt_at BIGINT NOT NULL,
    lease_owner TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_outcome TEXT, last_error TEXT,
    updated_at BIGINT NOT NULL, possible_duplicate INTEGER NOT NULL DEFAULT 0, sent_at BIGINT, delivered_by TEXT
  );
  CREATE INDEX queue_due ON queue (priority, next_attempt_at) WHERE state IN ('queued', 'deferred', 'sending');
  CREATE INDEX queue_due_host ON queue (host, priority, next_attempt_at) WHERE state IN ('queued', 'deferred', 'sending');
  DROP INDEX messages_due; DROP INDEX messages_due_host;`;

const RESULTS_ROWS = `r AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS r(id, owner, transcript))`;
const ATTEMPTS = `INSERT INTO attempts (message, started_at, duration_ms, transport, server, outcome, reply_code, reply_text, detail, error_code, transcript, host)
  SELECT r.id, $4, 3, 'smtp', '127.0.0.1:2525', 'accepted', 250, '250 OK: message queued', 'accepted by 127.0.0.1:2525', NULL, r.transcript, 'h1' FROM r`;

const LAYOUTS = {
  wide: {
    claim: `WITH due AS (SELECT id FROM messages WHERE host = 'h1' AND state IN ('queued', 'deferred', 'sending') AND next_attempt_at <= $1
        ORDER BY priority, next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      UPDATE messages m SET state = 'sending', lease_owner = $2, next_attempt_at = $1 + 60000, updated_at = $1 FROM due WHERE m.id = due.id
      RETURNING m.id, m.message_id, m.profile, m.sender, m.recipients, m.raw, m.created_at`,
    results: `WITH ${RESULTS_ROWS}, applied AS (
        UPDATE messages m SET state = 'sent', next_attempt_at = $4, lease_owner = NULL, attempts = m.attempts + 1, last_outcome = 'accepted',
          last_error = NULL, updated_at = $4, sent_at = $4, delivered_by = 'h1'
        FROM r WHERE m.id = r.id AND m.state = 'sending' AND m.lease_owner = r.owner RETURNING m.id)
      ${ATTEMPTS}`,
    enqueue: `INSERT INTO messages (id, message_id, kind, severity, priority, profile, sender, recipients, subject, raw, state, created_at, updated_at, next_attempt_at, host)
      SELECT 'm' || i, '<' || i || '@bench>', 'bench', 'info', 3, 'sink', 'vigil@example.com', '["ops@example.com"]', 'bench ' || i,
        convert_to('Subject: bench ' || i || E'\\r\\n\\r\\n' || $1, 'UTF8'), 'queued', i, i, i, 'h1' FROM generate_series(1, $2::int) AS i`,
  },
  split: {
    claim: `WITH due AS (SELECT id FROM queue WHERE host = 'h1' AND state IN ('queued', 'deferred', 'sending') AND next_attempt_at <= $1
        ORDER BY priority, next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED),
      leased AS (UPDATE queue q SET state = 'sending', lease_owner = $2, next_attempt_at = $1 + 60000, updated_at = $1 FROM due WHERE q.id = due.id RETURNING q.id)
      SELECT m.id, m.message_id, m.profile, m.sender, m.recipients, m.raw, m.created_at FROM leased JOIN messages m ON m.id = leased.id`,
    results: `WITH ${RESULTS_ROWS}, applied AS (
        UPDATE queue q SET state = 'sent', next_attempt_at = $4, lease_owner = NULL, attempts = q.attempts + 1, last_outcome = 'accepted',
          last_error = NULL, updated_at = $4, sent_at = $4, delivered_by = 'h1'
        FROM r WHERE q.id = r.id AND q.state = 'sending' AND q.lease_owner = r.owner RETURNING q.id)
      ${ATTEMPTS}`,
    // The row's changing columns in `messages` stay as enqueued: only `queue` changes.
    enqueue: `WITH ins AS (INSERT INTO messages (id, message_id, kind, severity, priority, profile, sender, recipients, subject, raw, state, created_at, updated_at, next_attempt_at, host)
      SELECT 'm' || i, '<' || i || '@bench>', 'bench', 'info', 3, 'sink', 'vigil@example.com', '["ops@example.com"]', 'bench ' || i,
        convert_to('Subject: bench ' || i || E'\\r\\n\\r\\n' || $1, 'UTF8'), 'queued', i, i, i, 'h1' FROM generate_series(1, $2::int) AS i RETURNING id, host, priority, next_attempt_at, created_at)
      INSERT INTO queue (id, host, priority, state, next_attempt_at, updated_at) SELECT id, host, priority, 'queued', next_attempt_at, created_at FROM ins`,
  },
} as const;

const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return Number(f[11]) + Number(f[12]);
};

const cluster = await startPostgres({ durable: true });
const template = await cluster.newDatabase();
await (await openPgStore({ url: template.url })).close();
const results: Array<Record<string, unknown>> = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const layout of (round % 2 ? ['split', 'wide'] : ['wide', 'split']) as Array<keyof typeof LAYOUTS>) {
      const db = await cluster.newDatabase(template.name);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const sql = LAYOUTS[layout];
        if (layout === 'split') await client.query(SPLIT_SCHEMA);
        await client.query(sql.enqueue, [TEXT, PER_ROUND]);
        await client.query('VACUUM ANALYZE');
        const pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
        const lsn0 = (await client.query('SELECT pg_current_wal_lsn() AS l')).rows[0].l as string;
        const t0 = ticks(pid);
        let delivered = 0;
        for (let now = PER_ROUND + 1; ; now++) {
          const claimed = await client.query({ name: 'claim', text: sql.claim, values: [now, 'h1:1'] });
          if (claimed.rows.length === 0) break;
          const ids = claimed.rows.map((r: { id: string }) => r.id);
          await client.query({ name: 'results', text: sql.results, values: [ids, ids.map(() => 'h1:1'), ids.map(() => TRANSCRIPT), now] });
          delivered += ids.length;
        }
        const cpuMs = (ticks(pid) - t0) * 10;
        const walBytes = Number((await client.query('SELECT pg_current_wal_lsn() - $1::pg_lsn AS b', [lsn0])).rows[0].b);
        results.push({ layout, delivered, backendMsPerMessage: Number((cpuMs / delivered).toFixed(3)), walBytesPerMessage: Math.round(walBytes / delivered) });
        process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
      } finally {
        await client.end();
        await db.drop();
      }
    }
  }
} finally {
  await cluster.stop();
}
process.stdout.write(`${JSON.stringify({ bench: 'queue-split', perRound: PER_ROUND, batch: BATCH, results })}\n`);
