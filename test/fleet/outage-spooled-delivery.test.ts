import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PRIORITY } from '../../src/domain/message.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { withOutageStore } from '../helpers/outage-store.js';
import { waitFor } from '../helpers/wait-for.js';

// A message queued in the spool while PostgreSQL was away and not yet sent when it returns is
// still delivered from the spool until the spool is flushed — which a run going on in it may put
// off for hours — rather than waiting for the flush. The service's own store on a throwaway
// cluster, halted and resumed.

const cluster = usePostgres(withCleanups());

test('a message left in the spool when PostgreSQL returns is claimed before the spool is flushed', { timeout: 120_000 }, () =>
  withOutageStore(cluster, Date.parse('2026-11-29T10:00:00Z'), async ({ clock, store, heard, halt, resume, holdFlush }) => {
    await halt();
    const outbox = new Outbox({ store: store.outbox, clock, messageIdDomain: 'fs01.example.com', host: 'fs01' });
    const queued = await outbox.enqueue({ kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'x' });
    // The spool stays unflushed after the database returns (in the service: a run still going in it).
    const release = holdFlush();

    await resume();
    await waitFor(() => heard.back > 0, { timeoutMs: 60_000, what: 'the database to be found back' });
    assert.notEqual(await store.outbox.nextDueAt(), undefined, 'the dispatcher is woken for it (the database has no message)');
    const claimed = await store.outbox.claimDue(clock.now(), 10, 60_000, 'fs01:1');
    assert.deepEqual(claimed.map((m) => m.id), [queued.id], 'claimed from the spool');
    await store.outbox.release([queued.id], 'fs01:1', clock.now());
    await release();
  }));
