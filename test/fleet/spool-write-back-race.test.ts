import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalSpool, type Router } from '../../src/app/local-spool.js';
import { flushSpool } from '../../src/app/spool-flush.js';
import { copySnapshot, forgetSnapshot, snapshotHostState } from '../../src/app/spool-write-back.js';
import { SpoolingAlertPauseStore } from '../../src/app/spooling-alert-pauses.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { Workspace } from '../helpers/workspace.js';

// While the write-back's transaction is open the store still routes to the spool (it switches to
// the database once the write-back committed, spooling-store.ts): a resume from the console then
// lands in the spool, after the snapshot the database is receiving. It must not be lost there.

const cluster = usePostgres(withCleanups());

/** The spooling store's routing while the database is away: every call goes to the spool. */
class SpoolOnly implements Router {
  readonly local = true;
  constructor(private readonly current: LocalSpool) {}
  route<T>(_primary: () => Promise<T>, local: (spool: LocalSpool) => Promise<T>): Promise<T> {
    return local(this.current);
  }
  lost(): boolean {
    return false;
  }
  async spool(): Promise<LocalSpool> {
    return this.current;
  }
  async settled(): Promise<LocalSpool | undefined> {
    return this.current;
  }
  holding<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}

test('a pause of the spool resumed while the write-back copies it is ended in the database by the flush', { timeout: 120_000 }, async () => {
  const db = await cluster.newDatabase();
  const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
  const ws = new Workspace('');
  const spool = LocalSpool.create(ws.dataDir);
  const clock = new FakeClock();
  const pauses = new SpoolingAlertPauseStore(pg.alertPauses, new SpoolOnly(spool), clock);
  try {
    await pauses.pause(['home'], clock.now(), null);
    clock.advance(60_000);
    const token = `${spool.id}:1`;
    snapshotHostState(spool.raw, token);
    await pg.db.transaction(async (tx) => {
      await copySnapshot(tx, spool.raw, token, 'fs01', clock.now());
      // The admin resumes home from the console meanwhile.
      await pauses.resume(['home']);
    });
    forgetSnapshot(spool.raw, token);
    assert.deepEqual(await pauses.active(clock.now()), [], 'home is resumed on this host');

    clock.advance(60_000);
    await flushSpool(spool.raw, pg.db, spool.id, 'fs01', clock.now());
    assert.deepEqual(await pg.alertPauses.active(clock.now()), [], 'the database has the resume too: home alerts again');
  } finally {
    await spool.remove();
    await pg.close();
    ws.cleanup();
    await db.drop();
  }
});
