import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalSpool } from '../../src/app/local-spool.js';
import { flushSpool } from '../../src/app/spool-flush.js';
import { PRIORITY } from '../../src/domain/message.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Workspace } from '../helpers/workspace.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { failedInTheSpool, withOutageStore } from '../helpers/outage-store.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';

// `vigil outbox list`, `show` and `retry` run in a process of their own, which reads the database:
// between its return and the spool's flush (a backup still running in the spool can put it off
// for hours) they also reach the messages the service's spool in dataDir still holds, and a retry
// made there is not lost by the flush. The service's store on a throwaway cluster, halted and
// resumed, with the flush held; the commands as real subprocesses.

const cluster = usePostgres(withCleanups());

test('`vigil outbox list`, `show` and `retry` reach a message the spool still holds after the return; the retry survives the flush', { timeout: 180_000 }, () =>
  withOutageStore(cluster, Date.parse('2026-11-29T10:00:00Z'), async (c) => {
    const { ws, db, heard } = c;
    const { id, release } = await failedInTheSpool(c);
    ws.write(smtpConfig({ servers: [{ port: 25 }], extra: `database:\n  url: ${db.url}\n` }).replace('hostname: vigil-test.example.com', 'hostname: fs01'));

    const listed = await ws.vigil(['outbox', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${id}\\s+failed`, 'm'), 'listed');
    const shown = await ws.vigil(['outbox', 'show', id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /subject\s+documents failed/, 'shown');
    const retried = await ws.vigil(['outbox', 'retry', id]);
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stdout, /queued, due now/);

    await release();
    await waitFor(() => heard.flushed > 0, { timeoutMs: 60_000, what: 'the spool to be flushed' });
    const other = await openPgStore({ url: db.url }, { host: 'fs01' });
    try {
      assert.equal((await other.outbox.get(id))?.state, 'queued', 'the database has it retried');
    } finally {
      await other.close();
    }
  }));

test('a retry made in a spool that was already copied into the database (its service killed before deleting it) is made there too', { timeout: 120_000 }, async () => {
  const db = await cluster.newDatabase();
  const ws = new Workspace();
  const clock = new FakeClock(Date.parse('2026-11-29T10:00:00Z'));
  const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
  const spool = LocalSpool.create(ws.dataDir);
  try {
    const outbox = new Outbox({ store: spool.store.outbox, clock, messageIdDomain: 'fs01.example.com', host: 'fs01' });
    const { id } = await outbox.enqueue({ kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'x' });
    await spool.store.outbox.fail(id, '550 mailbox unavailable', clock.now());
    await flushSpool(spool.raw, pg.db, spool.id, 'fs01', clock.now());
    ws.write(smtpConfig({ servers: [{ port: 25 }], extra: `database:\n  url: ${db.url}\n` }).replace('hostname: vigil-test.example.com', 'hostname: fs01'));

    const retried = await ws.vigil(['outbox', 'retry', id]);
    assert.equal(retried.code, 0, retried.stderr);
    assert.equal((await pg.outbox.get(id))?.state, 'queued', 'the database’s copy is retried: the next start only drops the spool');
  } finally {
    await spool.close();
    await pg.close();
    ws.cleanup();
    await db.drop();
  }
});
