import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { connectApp } from '../../src/app/context.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

// The Outbox on PostgreSQL claims a batch of messages in one statement and leases them all to
// one process. Killed with SIGKILL while that batch is in flight (its relay took the data of
// some and never answered), the process loses none of them: nobody sends them while the leases
// live, then they are delivered once each, the ones that were in flight flagged as possible
// duplicates (the documented at-least-once window: the dead relay may have them), no other.

const MESSAGES = 20;
const CONCURRENCY = 8;

const cleanups = withCleanups();
const cluster = usePostgres(cleanups);

test('a host SIGKILLed mid-batch on PostgreSQL loses no message and delivers none twice beyond the leased batch', { timeout: 300_000 }, async () => {
  const db = await cluster.newDatabase();
  cleanups.push(() => db.drop());
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  cleanups.push(() => sql.end());
  // The relay answers until the route is known to work (a probe goes alone; then batches go),
  // then takes the data and never answers: the host dies with a batch in flight.
  const stalling = await SmtpPeer.start();
  cleanups.push(() => stalling.stop()); // stopped twice on success: closing a closed server is harmless
  const port = stalling.port;
  const ws = new Workspace(smtpConfig({ servers: [{ port }], timeoutSeconds: 2, concurrency: CONCURRENCY, extra: `database:\n  url: ${db.url}\n` }).replace('hostname: vigil-test.example.com', 'hostname: fs01'));
  cleanups.push(() => ws.cleanup());

  const enqueuing = await connectApp({ configFile: ws.configFile, logLevel: 'error', env: {} });
  await enqueuing.outbox.enqueueMany(
    Array.from({ length: MESSAGES }, (_v, i) => ({ kind: 'backup.failed', severity: 'critical' as const, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: `set ${i} failed`, text: 'vault unreachable' })),
  );
  await enqueuing.close();

  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'outbox', 'deliver', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((resolve) => child.on('close', resolve));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  // Deadlines, not timings: a loaded machine takes long to start a process from the sources.
  const alive = () => {
    if (child.exitCode !== null) throw new Error(`vigil outbox deliver ended (${child.exitCode}) before the batch was in flight: ${stderr}`);
  };
  await waitFor(() => (alive(), stalling.received.length >= 1), { timeoutMs: 120_000, what: 'the probe at the relay' });
  stalling.stalling = true;
  const answered = stalling.received.length;
  await waitFor(() => (alive(), stalling.received.length >= answered + 2), { timeoutMs: 120_000, what: 'a batch in flight at the stalling relay' });
  child.kill('SIGKILL');
  await exited;
  await stalling.stop();

  const sentBefore = new Set((await sql.query<{ message_id: string }>("SELECT message_id FROM messages WHERE state = 'sent'")).rows.map((m) => m.message_id));
  const leased = (await sql.query<{ id: string; message_id: string; lease_until: string }>("SELECT id, message_id, next_attempt_at AS lease_until FROM messages WHERE state = 'sending'")).rows;
  assert.ok(leased.length >= 2 && leased.length <= CONCURRENCY, `a batch of several messages was leased when the host died (${leased.length})`);
  const inFlight = new Set(leased.map((m) => m.message_id));
  for (const m of stalling.received) assert.ok(inFlight.has(m.parsed.messageId!) || sentBefore.has(m.parsed.messageId!), 'the dead relay only had messages recorded sent or leased');

  // The same host again, its relay back (same settings, so the same profile fingerprint).
  const relay = await SmtpPeer.start({ port });
  cleanups.push(() => relay.stop());
  const again = await connectApp({ configFile: ws.configFile, logLevel: 'error', env: {} });
  cleanups.push(() => again.close());
  const first = await again.dispatcher.runPass();
  assert.equal(first.sent, MESSAGES - sentBefore.size - leased.length, 'while the leases live, only the messages outside the batch go');
  const leaseEnds = Math.max(...leased.map((m) => Number(m.lease_until)));
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, leaseEnds - Date.now() + 100)));
  const second = await again.dispatcher.runPass();
  assert.equal(second.sent, leased.length, 'the leases ran out: the batch is delivered');

  const states = (await sql.query<{ state: string; n: string }>('SELECT state, COUNT(*) AS n FROM messages GROUP BY state')).rows;
  assert.deepEqual(states.map((s) => [s.state, Number(s.n)]), [['sent', MESSAGES]]);
  const copies = new Map<string, number>();
  for (const m of relay.received) copies.set(m.parsed.messageId!, (copies.get(m.parsed.messageId!) ?? 0) + 1);
  assert.equal(copies.size, MESSAGES - sentBefore.size, 'every message not yet sent reached the relay');
  assert.deepEqual([...new Set(copies.values())], [1], 'each once');
  for (const id of sentBefore) assert.equal(copies.has(id), false, 'a message recorded sent is not sent again');
  const flagged = (await sql.query<{ id: string }>('SELECT id FROM messages WHERE possible_duplicate = 1 ORDER BY id')).rows.map((r) => r.id);
  assert.deepEqual(flagged, leased.map((m) => m.id).sort(), 'exactly the batch in flight is flagged as a possible duplicate');
  const ambiguous = await sql.query("SELECT DISTINCT message FROM attempts WHERE outcome = 'ambiguous'");
  assert.equal(ambiguous.rowCount, leased.length, 'each message of the batch records the attempt the dead host never finished');
});
