import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { LocalSpool } from '../../src/app/local-spool.js';
import { flushSpool } from '../../src/app/spool-flush.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { waitFor } from '../helpers/wait-for.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

// The write-back (spool-write-back.ts) spans two stores with no common transaction: a snapshot
// in the spool, the copy with its token into PostgreSQL, then forgotten in the spool. A process
// SIGKILLed between two steps leaves its spool for the next start, whose flush must neither copy
// again what the database has (over what was written there meanwhile) nor lose what it has not.
// The process (test/helpers/write-back-stopper.ts) makes the steps and stops at a named one.

const cleanups = withCleanups();
const cluster = usePostgres(cleanups);

const T0 = Date.parse('2026-11-29T10:00:00Z');

/** Runs the write-back of the spool in `dataDir` in a process SIGKILLed at `stopAt`. */
async function killWriteBackAt(dataDir: string, url: string, stopAt: 'snapshotted' | 'copying' | 'copied'): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/helpers/write-back-stopper.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, VIGIL_TEST_DATA_DIR: dataDir, VIGIL_TEST_DB_URL: url, VIGIL_TEST_STOP_AT: stopAt },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => child.on('close', resolve));
  try {
    // A deadline, not a timing: starting a process from the sources is slow on a loaded machine.
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`the write-back process ended (${child.exitCode}) before ${stopAt}: ${out}`);
        return out.includes(`stopped at ${stopAt}`);
      },
      { timeoutMs: 120_000, what: `the write-back stopped at ${stopAt}` },
    );
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A spool left in a data directory: home paused during the outage, and an alert the pause held back. */
async function spoolWithPause(dataDir: string): Promise<void> {
  const spool = LocalSpool.create(dataDir);
  await spool.store.alertPauses.pause(['home'], T0, null);
  await spool.store.alertPauses.recordSuppressed({ set: 'home', at: T0 + 1_000, what: 'backup home failed' });
  await spool.close();
}

/** The next `vigil start`: the spool it left is flushed (spooling-store.ts recoverLeftovers). */
async function flushLeftover(dataDir: string, pg: Awaited<ReturnType<typeof openPgStore>>): Promise<void> {
  const [spool] = LocalSpool.leftovers(dataDir);
  assert.ok(spool, 'the killed process left its spool');
  await flushSpool(spool.raw, pg.db, spool.id, 'fs01', T0 + 120_000);
  await spool.remove();
}

async function suppressions(pg: Awaited<ReturnType<typeof openPgStore>>): Promise<number> {
  return Number((await pg.db.rows<{ n: string }>('SELECT count(*) AS n FROM alert_suppressions'))[0]!.n);
}

async function markers(pg: Awaited<ReturnType<typeof openPgStore>>): Promise<number> {
  return Number((await pg.db.rows<{ n: string }>('SELECT count(*) AS n FROM spool_write_backs'))[0]!.n);
}

test('a pause resumed after a write-back killed between its commit and the spool forgetting stays resumed when the spool is flushed', { timeout: 300_000 }, async () => {
  const db = await cluster.newDatabase();
  const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
  const ws = new Workspace('');
  try {
    await spoolWithPause(ws.dataDir);
    await killWriteBackAt(ws.dataDir, db.url, 'copied');
    assert.deepEqual((await pg.alertPauses.active(T0 + 60_000)).map((p) => p.set), ['home'], 'the write-back committed');
    // While the host is down, the admin resumes home (`vigil resume home`, the database only).
    assert.deepEqual((await pg.alertPauses.resume(['home'])).map((s) => s.what), ['backup home failed']);

    await flushLeftover(ws.dataDir, pg);

    assert.deepEqual(await pg.alertPauses.active(T0 + 180_000), [], 'home stays resumed: its alerts go out');
    assert.equal(await suppressions(pg), 1, 'what the pause held back is recorded once');
    assert.equal(await markers(pg), 0, 'the flushed spool leaves no token behind');
  } finally {
    await pg.close();
    ws.cleanup();
    await db.drop();
  }
});

test('a streak recorded after a write-back killed between its commit and the spool forgetting is not replaced by the spool\'s older one', { timeout: 300_000 }, async () => {
  const db = await cluster.newDatabase();
  const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
  const ws = new Workspace('');
  try {
    // During the outage home failed twice and was alerted.
    const spool = LocalSpool.create(ws.dataDir);
    await spool.store.notifyState.put({ set: 'home', failures: 2, failingSince: T0, signature: 'failed: vault unreachable', alertedAt: T0, lastStatus: 'failed' });
    await spool.close();
    await killWriteBackAt(ws.dataDir, db.url, 'copied');
    // While the host is down, `vigil run home` fails a third time, with a new way of failing.
    const newer = { set: 'home', failures: 3, failingSince: T0, signature: 'failed: disk full', alertedAt: T0 + 60_000, lastStatus: 'failed' };
    await pg.notifyState.put(newer);

    await flushLeftover(ws.dataDir, pg);

    assert.deepEqual(await pg.notifyState.get('home'), newer, 'the newer streak stays');
  } finally {
    await pg.close();
    ws.cleanup();
    await db.drop();
  }
});

for (const stopAt of ['copying', 'snapshotted'] as const) {
  test(`a write-back killed before its commit (${stopAt}) is copied by the next start's flush, once`, { timeout: 300_000 }, async () => {
    const db = await cluster.newDatabase();
    const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
    const ws = new Workspace('');
    try {
      await spoolWithPause(ws.dataDir);
      await killWriteBackAt(ws.dataDir, db.url, stopAt);
      assert.deepEqual(await pg.alertPauses.active(T0 + 60_000), [], 'nothing was committed');
      assert.equal(await markers(pg), 0, 'the killed write-back left no token: it never committed');

      await flushLeftover(ws.dataDir, pg);

      assert.deepEqual((await pg.alertPauses.active(T0 + 180_000)).map((p) => [p.set, p.until]), [['home', null]], 'the pause is in the database');
      assert.equal(await suppressions(pg), 1, 'what the pause held back is recorded once');
    } finally {
      await pg.close();
      ws.cleanup();
      await db.drop();
    }
  });
}
