import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../src/domain/logger.js';
import { ProfilePauses } from '../../src/outbox/profile-pauses.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { withOutageStore } from '../helpers/outage-store.js';

// A Mail Profile paused before PostgreSQL goes away (its credentials were refused) stays paused
// while it is away: the dispatcher, delivering from the spool, does not try the server again and
// pause it anew. The service's own store on a throwaway cluster, halted and resumed.

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');

test('a profile paused before the outage stays paused during it, a verification meanwhile keeping the pause', { timeout: 120_000 }, () =>
  withOutageStore(cluster, T0, async ({ clock, store, halt }) => {
    await store.profiles.pause('office', T0 + 600_000, '535 authentication failed');
    const pauses = new ProfilePauses({ profiles: store.profiles, store: store.outbox, clock, log: silentLogger, onResumed: () => undefined });
    assert.deepEqual(await pauses.paused(), ['office'], 'paused while the database answers');

    await halt();
    clock.advance(60_000);
    // The first delivery of the outage creates the spool, and asks which profiles are paused.
    await store.outbox.nextDueAt();
    assert.deepEqual(await pauses.paused(), ['office'], 'still paused during the outage: no message of it is claimed');
    assert.equal((await store.profiles.get('office')).pausedUntil, T0 + 600_000);
    await store.profiles.markVerified('home', 'fp', clock.now());
    await store.profiles.markVerified('office', 'fp', clock.now());
    assert.equal((await store.profiles.get('office')).pausedUntil, T0 + 600_000, 'a verification does not lift it');
    clock.advance(600_000);
    assert.deepEqual(await pauses.paused(), [], 'it runs out when it was to');
  }));
