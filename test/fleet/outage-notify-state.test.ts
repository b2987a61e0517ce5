import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { headerOf, SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { countedSetYaml, countLines, Workspace } from '../helpers/workspace.js';
import { startVigilService, withServiceOutput } from '../helpers/vigil-service.js';

// What notification remembers of each set (its failing streak, which runs it has told) carries
// across a PostgreSQL outage in both directions: the spool starts from the streaks the host had
// in the database, and what the spool learnt is copied back with its runs. A real `vigil start`
// on a throwaway cluster, the cluster stopped and started again; three sets:
// - `early` fails before the outage, during it and after it: alerted once, never again;
// - `healed` fails before the outage and succeeds during it: its recovery goes out during it;
// - `late` fails during the outage only: alerted during it, its recovery goes out after it.
// The Outbox history in PostgreSQL (spooled messages are copied into it) is counted per set.

const cluster = usePostgres(withCleanups());

test('notification state crosses a PostgreSQL outage: no second alert, recoveries told once', { timeout: 300_000 }, async () => {
  const db = await cluster.newDatabase();
  const peer = await SmtpPeer.start();
  const scratch = new Workspace('');
  const file = (name: string) => path.join(scratch.dir, name);
  const set = (name: string) => countedSetYaml(name, file(`${name}.runs`), file(`${name}.fail`));
  writeFileSync(file('early.fail'), '');
  writeFileSync(file('healed.fail'), '');
  // Storm grouping off (each set's alert is its own message); notification's periodic pass,
  // which notifies runs left unnotified (those copied in from the spool), every 5 s.
  const yaml = smtpConfig({ servers: [{ port: peer.port }], extra: `database:\n  url: ${db.url}\nsets:\n${set('early')}${set('healed')}${set('late')}` })
    .replace('hostname: vigil-test.example.com', 'hostname: fs01')
    .replace('notification:\n  admins: [admins]', 'notification:\n  admins: [admins]\n  stormWindow: 0s\n  escalateAfter: 20s');
  const ws = new Workspace(yaml);
  const service = startVigilService(ws.configFile);
  const reader = new pg.Client({ connectionString: db.url });
  const received = (kind: string, name: string) => peer.received.filter((m) => headerOf(m, 'x-vigil-kind') === kind && headerOf(m, 'x-vigil-set') === name).length;
  let halted = false;
  try {
    await waitFor(() => received('backup.failed', 'early') === 1 && received('backup.failed', 'healed') === 1 && countLines(file('late.runs')) >= 2, { timeoutMs: 60_000, what: 'early and healed alerted before the outage' });

    await cluster.halt();
    halted = true;
    writeFileSync(file('late.fail'), '');
    rmSync(file('healed.fail'));
    const atHalt = { early: countLines(file('early.runs')), healed: countLines(file('healed.runs')), late: countLines(file('late.runs')) };
    await waitFor(() => received('backup.failed', 'late') === 1, { timeoutMs: 60_000, what: 'late alerted during the outage' });
    // Several runs of each set in the spool.
    await waitFor(() => countLines(file('early.runs')) >= atHalt.early + 3 && countLines(file('healed.runs')) >= atHalt.healed + 3 && countLines(file('late.runs')) >= atHalt.late + 3, { timeoutMs: 60_000, what: 'runs during the outage' });
    const healedDuring = received('backup.recovered', 'healed');
    const earlyDuring = received('backup.failed', 'early');

    rmSync(file('late.fail'));
    await cluster.resume();
    halted = false;
    await waitFor(() => /spool \S+ flushed into the database/.test(service.output()), { timeoutMs: 60_000, what: 'the spool to be flushed' });
    const atFlush = countLines(file('late.runs'));
    // Successes of late after the flush, and two of notification's periodic passes.
    await waitFor(() => countLines(file('late.runs')) >= atFlush + 3, { timeoutMs: 60_000, what: 'runs after the flush' });
    await new Promise((resolve) => setTimeout(resolve, 11_000));

    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0, service.output());
    await reader.connect();
    // Everything queued, whether it was delivered yet or not (a spooled message is copied in).
    const queued = (await reader.query(`SELECT kind, dedupe_key FROM messages WHERE kind LIKE 'backup.%'`)).rows as Array<{ kind: string; dedupe_key: string }>;
    const count = (kind: string, name: string) => queued.filter((m) => m.kind === kind && m.dedupe_key.startsWith(`backup:${name}:`)).length;
    assert.equal(earlyDuring, 1, 'early, failing since before the outage, is not alerted again during it');
    assert.equal(healedDuring, 1, 'healed, failing before the outage, is told recovered during it');
    assert.deepEqual(
      { early: [count('backup.failed', 'early'), count('backup.recovered', 'early')], healed: [count('backup.failed', 'healed'), count('backup.recovered', 'healed')], late: [count('backup.failed', 'late'), count('backup.recovered', 'late')] },
      { early: [1, 0], healed: [1, 1], late: [1, 1] },
      `one alert per streak, one recovery per streak that ended: ${queued.map((m) => m.dedupe_key).join(', ')}`,
    );
    const state = (await reader.query(`SELECT set_name, failures FROM notify_state WHERE host = 'fs01' ORDER BY set_name`)).rows as Array<{ set_name: string; failures: number }>;
    assert.deepEqual(state.map((r) => [r.set_name, r.failures > 0]), [['early', true], ['healed', false], ['late', false]].filter(([name]) => state.some((r) => r.set_name === name)));
    assert.ok(state.some((r) => r.set_name === 'early' && r.failures > 0), 'early is still failing in the database');
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
