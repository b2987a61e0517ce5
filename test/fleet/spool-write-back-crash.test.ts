import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalSpool } from '../../src/app/local-spool.js';
import { flushSpool } from '../../src/app/spool-flush.js';
import { copyHostState } from '../../src/app/spool-write-back.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { Workspace } from '../helpers/workspace.js';

// The write-back (spool-write-back.ts) is two commits: the host's state into PostgreSQL, then
// forgotten in the spool. A process killed between them leaves the spool holding what the
// database already has; the next start flushes that spool and copies it again — over whatever
// was written in the database meanwhile. Here an admin's `vigil resume` made while the host was
// down is undone by the leftover spool: the pause is back, and the set's alerts are held again.
// The kill falls between two statements no test can aim a SIGKILL at: the first commit is made
// here, the second left out, as the kill leaves it.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');

test(
  'a pause resumed after a write-back the host did not live to finish stays resumed when its spool is flushed',
  { timeout: 120_000, todo: 'the write-back and its forgetting in the spool are not one step: see the review report (h4/review)' },
  async () => {
    const db = await cluster.newDatabase();
    const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
    const ws = new Workspace('');
    const spool = LocalSpool.create(ws.dataDir);
    try {
      // During the outage, from the console: home paused, and an alert it held back.
      await spool.store.alertPauses.pause(['home'], T0, null);
      await spool.store.alertPauses.recordSuppressed({ set: 'home', at: T0 + 1_000, what: 'backup home failed' });
      // The database answers: the write-back commits, and the process is killed before the spool forgets.
      await pg.db.transaction((tx) => copyHostState(tx, spool.raw, 'fs01'));
      // While the host is down, the admin resumes home (`vigil resume home`, the database only).
      assert.deepEqual((await pg.alertPauses.resume(['home'])).map((s) => s.what), ['backup home failed']);

      // The next `vigil start` flushes the spool it left.
      await flushSpool(spool.raw, pg.db, spool.id, 'fs01', T0 + 120_000);

      assert.deepEqual(await pg.alertPauses.active(T0 + 180_000), [], 'home stays resumed: its alerts go out');
      const stored = await pg.db.rows<{ n: string }>('SELECT count(*) AS n FROM alert_suppressions');
      assert.equal(Number(stored[0]!.n), 1, 'what the pause held back is recorded once');
    } finally {
      await spool.remove();
      await pg.close();
      ws.cleanup();
      await db.drop();
    }
  },
);
