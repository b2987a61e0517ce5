import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalSpool } from '../../src/app/local-spool.js';
import { flushSpool } from '../../src/app/spool-flush.js';
import { writeBackHostState } from '../../src/app/spool-write-back.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { Workspace } from '../helpers/workspace.js';

// A pause resumed on the host during the outage is kept in its spool as a pause that ended then
// (spooling-alert-pauses.ts), so that its return ends the database's pause too. But a pause set
// in the database after that resume — `vigil pause` run against PostgreSQL once it was back,
// another host's console — is the newer word: copying the spool's ended pause (by the flush of
// a spool left behind, or by the write-back) must not end it (migration 49: changed_at).

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');
const MIN = 60_000;

type Copy = (spool: LocalSpool, db: Awaited<ReturnType<typeof openPgStore>>['db'], now: number) => Promise<unknown>;
const COPIES: Record<string, Copy> = {
  'the flush of a spool left behind': (spool, db, now) => flushSpool(spool.raw, db, spool.id, 'fs01', now),
  'the write-back': (spool, db, now) => writeBackHostState(spool.raw, spool.id, db, 'fs01', now),
};

for (const [how, copy] of Object.entries(COPIES)) {
  test(`a pause set in the database after the spool's resume stays in force through ${how}`, { timeout: 120_000 }, async () => {
    const db = await cluster.newDatabase();
    const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
    const ws = new Workspace('');
    try {
      // During the outage: web paused, then resumed, on the host: the spool keeps the ended pause.
      const spool = LocalSpool.create(ws.dataDir);
      await spool.store.alertPauses.pause(['web'], T0, null);
      await spool.store.alertPauses.resume(['web']);
      await spool.store.alertPauses.pause(['web'], T0 + MIN, T0 + MIN);
      // The database is back: `vigil pause web --for 2h` against it, before the spool is copied.
      await pg.alertPauses.pause(['web'], T0 + 5 * MIN, T0 + 125 * MIN);

      await copy(spool, pg.db, T0 + 6 * MIN);
      await spool.close();

      assert.deepEqual((await pg.alertPauses.active(T0 + 7 * MIN)).map((p) => [p.set, p.since, p.until]), [['web', T0 + 5 * MIN, T0 + 125 * MIN]], 'the newer pause holds');
    } finally {
      await pg.close();
      ws.cleanup();
      await db.drop();
    }
  });

  test(`a pause resumed in the spool still ends the database's older pause through ${how}`, { timeout: 120_000 }, async () => {
    const db = await cluster.newDatabase();
    const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
    const ws = new Workspace('');
    try {
      await pg.alertPauses.pause(['web'], T0, null);
      // During the outage the host's console resumes web: an ended pause in the spool.
      const spool = LocalSpool.create(ws.dataDir);
      await spool.store.alertPauses.pause(['web'], T0 + MIN, T0 + MIN);

      await copy(spool, pg.db, T0 + 6 * MIN);
      await spool.close();

      assert.deepEqual(await pg.alertPauses.active(T0 + 7 * MIN), [], 'web resumed in the database too');
    } finally {
      await pg.close();
      ws.cleanup();
      await db.drop();
    }
  });
}
