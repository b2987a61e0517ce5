import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { headerOf, SmtpPeer, type ReceivedMessage } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { countLines, Workspace } from '../helpers/workspace.js';
import { startVigilService, withServiceOutput } from '../helpers/vigil-service.js';

// The drill of issue 15: PostgreSQL stopped under load. A real `vigil start` on a throwaway
// cluster runs two sets every 2 s; the cluster is shut down for OUTAGE_S seconds, then started
// again. Every run the sets' commands made is an activity in PostgreSQL afterwards, every
// message is delivered exactly once, and the critical alerts of the outage — the database being
// unreachable, and a set that starts failing meanwhile — reach the SMTP server during it.
// The full minute by default (about 50 s more than a short outage would take); a quicker
// look while working on it: VIGIL_DRILL_OUTAGE_S=12.
const OUTAGE_S = Number(process.env.VIGIL_DRILL_OUTAGE_S ?? 60);

const cluster = usePostgres(withCleanups());

const startService = startVigilService;

const kindOf = (m: ReceivedMessage) => headerOf(m, 'x-vigil-kind');

test('PostgreSQL stopped under load: no run or message lost, critical alerts delivered during the outage', { timeout: 300_000 }, async () => {
  const db = await cluster.newDatabase();
  const peer = await SmtpPeer.start();
  const scratch = new Workspace('');
  const steadyRuns = path.join(scratch.dir, 'steady.runs');
  const flakyRuns = path.join(scratch.dir, 'flaky.runs');
  const failFlag = path.join(scratch.dir, 'fail');
  const sets = `database:
  url: ${db.url}
sets:
  steady:
    engine: command
    command: [/bin/sh, -c, "echo run >> ${steadyRuns}; sleep 1"]
    schedule: "*/2 * * * * *"
  flaky:
    engine: command
    command: [/bin/sh, -c, "echo run >> ${flakyRuns}; sleep 3; test ! -e ${failFlag}"]
    schedule: "*/2 * * * * *"
`;
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: sets }).replace('hostname: vigil-test.example.com', 'hostname: fs01'));
  const service = startService(ws.configFile);
  const reader = new pg.Client({ connectionString: db.url });
  let halted = false;
  try {
    await waitFor(() => service.output().includes('vigil started'), { timeoutMs: 60_000, what: 'the service to start' });
    await waitFor(() => countLines(steadyRuns) >= 2 && countLines(flakyRuns) >= 2, { timeoutMs: 60_000, what: 'runs before the outage' });

    // Halted while a run of steady is in progress: it started in the database and ends in the outage.
    const before = countLines(steadyRuns);
    await waitFor(() => countLines(steadyRuns) > before, { timeoutMs: 60_000, what: 'a run of steady to start' });
    await cluster.halt();
    halted = true;
    const runsAtHalt = countLines(steadyRuns);
    writeFileSync(failFlag, '');
    // The critical alerts of the outage go out while it lasts.
    await waitFor(() => peer.received.some((m) => kindOf(m) === 'service.fault.database-unreachable'), { timeoutMs: 60_000, what: 'the database-unreachable alert during the outage' });
    await waitFor(() => peer.received.some((m) => kindOf(m) === 'backup.failed'), { timeoutMs: 60_000, what: 'the flaky set’s failure alert during the outage' });
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_S * 1000));
    assert.ok(countLines(steadyRuns) > runsAtHalt, 'backups kept running during the outage');
    rmSync(failFlag);
    await cluster.resume();
    halted = false;
    const runsAtResume = countLines(steadyRuns);
    await waitFor(() => countLines(steadyRuns) >= runsAtResume + 2, { timeoutMs: 60_000, what: 'runs after the outage' });
    await waitFor(() => /spool \S+ flushed into the database/.test(service.output()), { timeoutMs: 60_000, what: 'the spool to be flushed' });
    const spools = path.join(ws.dataDir, 'spool');
    await waitFor(() => !existsSync(spools) || readdirSync(spools).length === 0, { timeoutMs: 60_000, what: 'no spool left in dataDir' });

    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0, service.output());
    if (process.env.VIGIL_DRILL_LOG) console.log(service.output());

    await reader.connect();
    const count = async (set: string, statuses: string[]) => Number((await reader.query(`SELECT COUNT(*) AS n FROM activities WHERE set_name = $1 AND kind = 'backup' AND status = ANY($2::text[])`, [set, statuses])).rows[0].n);
    // Each run of a command appended a line first: each is one activity in PostgreSQL. The runs the
    // stop interrupted may have been stopped just before or just after their line.
    const recorded = async (set: string, file: string) => {
      const ran = await count(set, ['completed', 'failed']);
      const interrupted = await count(set, ['interrupted', 'incomplete']);
      assert.ok(countLines(file) >= ran && countLines(file) <= ran + interrupted, `${set}: ${countLines(file)} runs, ${ran} recorded (and ${interrupted} interrupted)`);
    };
    const running = Number((await reader.query(`SELECT COUNT(*) AS n FROM activities WHERE status = 'running'`)).rows[0].n);
    assert.equal(running, 0, 'no activity left running');
    // A run is skipped only while the previous one really was running, never because the
    // database still showed as running a run whose end was kept in the spool.
    const skipped = (await reader.query(`SELECT s.id, s.started_at, p.id AS previous, p.ended_at FROM activities s JOIN activity_log l ON l.activity = s.id AND l.seq = 0 JOIN activities p ON p.id = substring(l.message from '\\(activity (\\d+),')::bigint WHERE s.status = 'skipped'`)).rows as Array<{ id: number; started_at: string; previous: number; ended_at: string }>;
    assert.deepEqual(skipped.filter((s) => Number(s.started_at) >= Number(s.ended_at)), [], 'no run skipped for a previous run that had ended');
    await recorded('steady', steadyRuns);
    await recorded('flaky', flakyRuns);

    const messageIds = peer.received.map((m) => m.parsed.messageId);
    assert.equal(new Set(messageIds).size, messageIds.length, `no message delivered twice: ${peer.received.map(kindOf).join(', ')}`);
    const stored = (await reader.query(`SELECT message_id, state, kind FROM messages`)).rows as Array<{ message_id: string; state: string; kind: string }>;
    assert.deepEqual(stored.filter((m) => m.state !== 'sent'), [], 'every queued message was delivered');
    // Every message of the Outbox — queued during the outage or not — is in PostgreSQL and was
    // received; only the direct fault alerts went around it.
    const viaOutbox = peer.received.filter((m) => !kindOf(m).startsWith('service.fault.database-'));
    assert.deepEqual(viaOutbox.map((m) => `${m.parsed.messageId} ${kindOf(m)}`).sort(), stored.map((m) => `${m.message_id} ${m.kind}`).sort());
    assert.ok(stored.some((m) => m.kind === 'backup.failed'), 'the alert sent during the outage is in the Outbox history');
  } catch (error) {
    throw withServiceOutput(error, service);
  } finally {
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
    if (halted) await cluster.resume();
    await reader.end().catch(() => undefined);
    await peer.stop();
    ws.cleanup();
    scratch.cleanup();
    await db.drop();
  }
});
