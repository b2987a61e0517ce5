import assert from 'node:assert/strict';
import type { NewMessage } from '../../../src/storage/ports/outbox-store.js';
import type { Store } from '../../../src/storage/ports/store.js';
import { storeCase, type OpenStore } from './harness.js';

/**
 * The contract every OutboxStore adapter must keep (restic's backend suite is the model).
 * Each adapter's test file calls this with a factory that opens a fresh, real store.
 */
export function outboxStoreConformance(name: string, open: OpenStore): void {
  let n = 0;
  const message = (over: Partial<NewMessage> = {}): NewMessage => {
    n++;
    return {
      id: `m${String(n).padStart(4, '0')}`,
      messageId: `<m${n}@test.example>`,
      kind: 'test',
      severity: 'info',
      priority: 5,
      profile: 'office',
      dedupeKey: null,
      envelope: { from: 'a@example.com', to: ['b@example.com'] },
      subject: `message ${n}`,
      raw: Buffer.from(`Subject: message ${n}\r\n\r\nbody\r\n`),
      createdAt: 1_000,
      ...over,
    };
  };
  const accepted = { kind: 'accepted' as const, detail: 'ok', transcript: 'C: DATA' };

  const withStore = storeCase(name, 'outbox', open);

  withStore('enqueue stores the exact bytes; dedupeKey refuses a second pending message', async (store) => {
    const first = message({ dedupeKey: 'set:documents' });
    const [stored] = await store.outbox.enqueue([first]);
    assert.deepEqual(stored, { id: first.id });
    assert.deepEqual(await store.outbox.raw(first.id), first.raw);
    const [dup] = await store.outbox.enqueue([message({ dedupeKey: 'set:documents' })]);
    assert.equal(dup?.duplicateOf, first.id);
    assert.equal((await store.outbox.list({})).length, 1);
  });

  withStore('a message records the host that enqueued it; list narrows by host', async (store) => {
    const [fs01, web02, old] = [message({ host: 'fs01' }), message({ host: 'web02' }), message()];
    await store.outbox.enqueue([fs01, web02, old]);
    assert.equal((await store.outbox.get(fs01.id))?.host, 'fs01');
    assert.equal((await store.outbox.get(old.id))?.host, null);
    assert.deepEqual((await store.outbox.list({ host: 'web02' })).map((m) => m.id), [web02.id]);
    assert.equal((await store.outbox.list({})).length, 3);
  });

  withStore('hosts sharing the store claim only their own messages (and those with no host); nextDueAt counts the same', async (store) => {
    const [fs01, web02, old] = [message({ host: 'fs01', createdAt: 1_000 }), message({ host: 'web02', createdAt: 500 }), message({ createdAt: 1_500 })];
    await store.outbox.enqueue([fs01, web02, old]);
    // web02's message is the earliest due: fs01 must not be told it is due (it would spin on it).
    assert.equal(await store.outbox.nextDueAt([], 'fs01'), 1_000);
    const claimed = await store.outbox.claimDue(2_000, 10, 10_000, 'fs01:1', [], 'fs01');
    assert.deepEqual(claimed.map((m) => m.id).sort(), [fs01.id, old.id].sort(), 'never web02’s message: fs01 may not have its credentials');
    assert.deepEqual((await store.outbox.claimDue(2_000, 10, 10_000, 'web02:1', [], 'web02')).map((m) => m.id), [web02.id]);
    // Without a host (one host per store, SQLite's data directory): every message.
    const [again] = await store.outbox.enqueue([message({ host: 'web02' })]);
    assert.equal((await store.outbox.claimDue(2_000, 10, 10_000, 'any')).map((m) => m.id)[0], again!.id);
  });

  withStore('a gone host’s messages are claimed by a host with the same fingerprint for that name, and by no other', async (store) => {
    const fs01 = (over: Partial<NewMessage>) => message({ host: 'fs01', fingerprint: 'f-office', ...over });
    const sameOffice = fs01({ createdAt: 900 });
    const otherOffice = fs01({ fingerprint: 'f-elsewhere', createdAt: 500 });
    const channel = fs01({ profile: 'channel:ops', fingerprint: 'f-ops', createdAt: 950 });
    const noFingerprint = fs01({ profile: 'ping:hc', fingerprint: null, createdAt: 400 });
    const live = message({ host: 'db03', fingerprint: 'f-office', createdAt: 300 });
    const own = message({ host: 'web02', fingerprint: 'f-office', createdAt: 1_000 });
    await store.outbox.enqueue([sameOffice, otherOffice, channel, noFingerprint, live, own]);
    assert.equal((await store.outbox.get(sameOffice.id))?.fingerprint, 'f-office', 'the fingerprint is recorded');
    const web02 = { host: 'web02', handOver: { hosts: ['fs01'], fingerprints: { office: 'f-office', 'channel:ops': 'f-ops' } } };
    // The earliest message web02 may take is sameOffice (900): not otherOffice (500), the ping (400) nor db03's (300).
    assert.equal(await store.outbox.nextDueAt([], web02), 900);
    const claimed = await store.outbox.claimDue(2_000, 10, 10_000, 'web02:1', [], web02);
    assert.deepEqual(claimed.map((m) => m.id).sort(), [sameOffice.id, channel.id, own.id].sort());
    // fs01 comes back mid-delivery: what web02 holds is leased, so it takes only what is left to it.
    assert.deepEqual((await store.outbox.claimDue(2_001, 10, 10_000, 'fs01:2', [], 'fs01')).map((m) => m.id).sort(), [otherOffice.id, noFingerprint.id].sort());
    await store.outbox.complete([{ attempt: { messageId: sameOffice.id, startedAt: 2_000, durationMs: 5, transport: 'smtp', outcome: accepted, host: 'web02' }, state: 'sent', nextAttemptAt: 2_005, possibleDuplicate: false, owner: 'web02:1' }], 2_005);
    const sent = await store.outbox.get(sameOffice.id);
    assert.equal(sent?.deliveredBy, 'web02', 'the message records who delivered it');
    assert.equal(sent?.host, 'fs01');
    assert.deepEqual((await store.outbox.attempts(sameOffice.id)).map((a) => a.host), ['web02']);
    assert.equal((await store.outbox.list({ host: 'fs01', states: ['sent'] }))[0]?.deliveredBy, 'web02');
    assert.equal((await store.outbox.get(channel.id))?.deliveredBy, null, 'not delivered yet');
    // Neither a gone host not named, nor a scope without hand-over, takes another host's message.
    const [later] = await store.outbox.enqueue([fs01({ createdAt: 3_000 })]);
    assert.deepEqual(await store.outbox.claimDue(4_000, 10, 10_000, 'web02:1', [], { host: 'web02', handOver: { hosts: ['other'], fingerprints: { office: 'f-office' } } }), []);
    assert.deepEqual(await store.outbox.claimDue(4_000, 10, 10_000, 'web02:1', [], { host: 'web02' }), []);
    assert.equal(await store.outbox.nextDueAt([], { host: 'db04' }), undefined, 'nothing of db04’s own, nothing handed over');
    assert.deepEqual((await store.outbox.claimDue(4_000, 10, 10_000, 'web02:1', [], web02)).map((m) => m.id), [later!.id]);
  });

  withStore('a message handed over whose deliverer died is taken again after its lease, flagged, by whoever may', async (store) => {
    const m = message({ host: 'fs01', fingerprint: 'f-office' });
    await store.outbox.enqueue([m]);
    const handOver = { hosts: ['fs01'], fingerprints: { office: 'f-office' } };
    assert.equal((await store.outbox.claimDue(2_000, 1, 1_000, 'web02:1', [], { host: 'web02', handOver })).length, 1);
    assert.deepEqual(await store.outbox.claimDue(2_500, 1, 1_000, 'fs01:2', [], 'fs01'), [], 'leased: the owner back waits');
    assert.equal((await store.outbox.claimDue(3_001, 1, 1_000, 'fs01:2', [], 'fs01')).length, 1, 'the lease ran out: its own host takes it');
    const again = await store.outbox.get(m.id);
    assert.equal(again?.possibleDuplicate, true);
    assert.match((await store.outbox.attempts(m.id))[0]!.detail, /\(web02:1\)/);
  });

  withStore('claims are leases: invisible to others until they expire, most urgent first', async (store) => {
    const normal = message();
    const critical = message({ priority: 0 });
    await store.outbox.enqueue([normal, critical]);
    const [firstClaim] = await store.outbox.claimDue(2_000, 1, 10_000, 'a');
    assert.equal(firstClaim?.id, critical.id);
    const others = await store.outbox.claimDue(2_000, 10, 10_000, 'b');
    assert.deepEqual(others.map((m) => m.id), [normal.id]);
    assert.deepEqual(await store.outbox.claimDue(5_000, 10, 10_000, 'c'), []);
    const afterExpiry = await store.outbox.claimDue(12_001, 10, 10_000, 'c');
    assert.deepEqual(afterExpiry.map((m) => m.id).sort(), [critical.id, normal.id].sort());
  });

  withStore('complete applies a decision only for the lease holder, and always records the attempt', async (store) => {
    const m = message();
    await store.outbox.enqueue([m]);
    await store.outbox.claimDue(2_000, 1, 10, 'a');
    await store.outbox.claimDue(3_000, 1, 10_000, 'b'); // a's lease expired; b holds it now
    await store.outbox.complete([{ attempt: { messageId: m.id, startedAt: 2_000, durationMs: 5, transport: 'smtp', outcome: accepted }, state: 'sent', nextAttemptAt: 2_005, possibleDuplicate: false, owner: 'a' }], 2_005);
    assert.equal((await store.outbox.get(m.id))?.state, 'sending');
    await store.outbox.complete([{ attempt: { messageId: m.id, startedAt: 3_000, durationMs: 5, transport: 'smtp', outcome: accepted }, state: 'sent', nextAttemptAt: 3_005, possibleDuplicate: false, owner: 'b' }], 3_005);
    const done = await store.outbox.get(m.id);
    assert.equal(done?.state, 'sent');
    assert.equal(done?.sentAt, 3_005);
    const attempts = await store.outbox.attempts(m.id);
    // b found a's lease run out with no outcome (ambiguous); a's late result is history too.
    assert.deepEqual(attempts.map((a) => a.outcome), ['ambiguous', 'accepted (lease lost)', 'accepted']);
    assert.equal(done?.possibleDuplicate, true);
  });

  withStore('release, retry, fail and expiry move messages as documented', async (store) => {
    const a = message();
    const b = message({ createdAt: 0 });
    await store.outbox.enqueue([a, b]);
    assert.equal((await store.outbox.claimDue(2_000, 2, 60_000, 'x')).length, 2);
    await store.outbox.release([a.id, b.id], 'x', 2_500);
    assert.equal((await store.outbox.get(a.id))?.state, 'queued');
    assert.deepEqual(await store.outbox.expireOlderThan(500, 3_000), [b.id]);
    assert.equal((await store.outbox.get(b.id))?.state, 'expired');
    const retried = await store.outbox.retry(b.id, 4_000);
    assert.equal(retried.state, 'queued');
    assert.equal(await store.outbox.nextDueAt(), 2_500);
    await store.outbox.fail(a.id, 'test message: not retried', 5_000);
    assert.equal((await store.outbox.get(a.id))?.state, 'failed');
    await assert.rejects(store.outbox.retry('nope', 1), { code: 'ERR_OUTBOX_NOT_FOUND' });
    assert.deepEqual(await store.outbox.countByState(), { failed: 1, queued: 1 });
  });

  withStore('paused profiles are skipped by claims and by the next-due time', async (store) => {
    const m = message({ profile: 'paused' });
    await store.outbox.enqueue([m]);
    assert.deepEqual(await store.outbox.claimDue(2_000, 5, 1_000, 'x', ['paused']), []);
    assert.equal(await store.outbox.nextDueAt(['paused']), undefined);
    assert.equal((await store.outbox.claimDue(2_000, 5, 1_000, 'x')).length, 1);
  });

  withStore('a lease given per profile holds each message for its own profile’s length', async (store) => {
    const fast = message({ profile: 'office' });
    const slow = message({ profile: 'local' });
    await store.outbox.enqueue([fast, slow]);
    const lengths: Record<string, number> = { office: 40_000, local: 226_000 };
    assert.equal((await store.outbox.claimDue(2_000, 5, (profile) => lengths[profile]!, 'x')).length, 2);
    assert.equal((await store.outbox.get(fast.id))?.nextAttemptAt, 42_000);
    assert.equal((await store.outbox.get(slow.id))?.nextAttemptAt, 228_000);
  });

  withStore('re-claiming a message whose lease ran out records an ambiguous attempt and flags it', async (store) => {
    const m = message();
    await store.outbox.enqueue([m]);
    await store.outbox.claimDue(2_000, 1, 1_000, 'dead');
    assert.equal((await store.outbox.get(m.id))?.possibleDuplicate, false);
    assert.equal((await store.outbox.claimDue(4_000, 1, 1_000, 'next')).length, 1);
    const again = await store.outbox.get(m.id);
    assert.equal(again?.possibleDuplicate, true);
    assert.equal(again?.attempts, 1);
    const [unknown] = await store.outbox.attempts(m.id);
    assert.equal(unknown?.outcome, 'ambiguous');
    assert.equal(unknown?.startedAt, 2_000);
    assert.match(unknown!.detail, /no outcome was recorded.*\(dead\)/);
    // A message given back unattempted (a graceful stop) is not ambiguous.
    const released = message();
    await store.outbox.enqueue([released]);
    await store.outbox.claimDue(5_000, 1, 1_000, 'stopping');
    await store.outbox.release([released.id], 'stopping', 5_001);
    await store.outbox.claimDue(5_002, 1, 1_000, 'next');
    assert.equal((await store.outbox.get(released.id))?.possibleDuplicate, false);
    assert.deepEqual(await store.outbox.attempts(released.id), []);
  });

  withStore('one claim of a batch leases each message under its own profile’s length, again once the profiles are known', async (store) => {
    const lengths: Record<string, number> = { office: 40_000, local: 226_000 };
    const lease = (profile: string) => lengths[profile]!;
    const first = [message({ profile: 'local' }), message({ profile: 'office', priority: 0 }), message({ profile: 'office' })];
    await store.outbox.enqueue(first);
    assert.deepEqual((await store.outbox.claimDue(2_000, 10, lease, 'x')).map((m) => m.id), [first[1]!.id, first[0]!.id, first[2]!.id], 'most urgent first, then the longest due');
    const second = [message({ profile: 'office' }), message({ profile: 'local' })];
    await store.outbox.enqueue(second);
    assert.equal((await store.outbox.claimDue(3_000, 10, lease, 'x')).length, 2);
    const leasedUntil = async (ids: string[]) => Promise.all(ids.map(async (id) => (await store.outbox.get(id))?.nextAttemptAt));
    assert.deepEqual(await leasedUntil(first.map((m) => m.id)), [228_000, 42_000, 42_000]);
    assert.deepEqual(await leasedUntil(second.map((m) => m.id)), [43_000, 229_000]);
  });

  withStore('a batch of results applies each decision for its lease holder and records every attempt, one message twice included', async (store) => {
    const [kept, lost, twice] = [message(), message(), message()];
    await store.outbox.enqueue([kept, lost, twice]);
    await store.outbox.claimDue(2_000, 3, 10, 'a');
    await store.outbox.claimDue(3_000, 1, 10_000, 'b'); // a's lease on the first (most urgent, oldest) ran out; b holds it
    const expired = (await store.outbox.list({ states: ['sending'] })).filter((m) => m.nextAttemptAt > 3_000).map((m) => m.id);
    assert.equal(expired.length, 1);
    await store.outbox.claimDue(3_000, 2, 10_000, 'a'); // a takes the other two again
    const result = (id: string, owner: string, state: 'sent' | 'deferred', at: number) => ({
      attempt: { messageId: id, startedAt: at, durationMs: 5, transport: 'smtp', outcome: state === 'sent' ? accepted : { kind: 'temporary' as const, detail: 'busy', transcript: '' }, host: 'fs01' },
      state,
      nextAttemptAt: state === 'sent' ? at : 60_000,
      possibleDuplicate: false,
      owner,
    });
    const others = [kept.id, lost.id, twice.id].filter((id) => id !== expired[0]);
    await store.outbox.complete(
      [result(expired[0]!, 'a', 'sent', 3_100), result(others[0]!, 'a', 'deferred', 3_100), result(others[1]!, 'a', 'sent', 3_100), result(others[1]!, 'a', 'sent', 3_200)],
      3_300,
    );
    assert.equal((await store.outbox.get(expired[0]!))?.state, 'sending', 'b holds that lease: a’s result is only history');
    assert.deepEqual((await store.outbox.attempts(expired[0]!)).map((a) => a.outcome), ['ambiguous', 'accepted (lease lost)']);
    const deferred = await store.outbox.get(others[0]!);
    assert.deepEqual([deferred?.state, deferred?.nextAttemptAt, deferred?.lastError, deferred?.deliveredBy], ['deferred', 60_000, 'busy', null]);
    const sent = await store.outbox.get(others[1]!);
    assert.deepEqual([sent?.state, sent?.sentAt, sent?.deliveredBy, sent?.attempts], ['sent', 3_300, 'fs01', 2]);
    assert.deepEqual((await store.outbox.attempts(others[1]!)).map((a) => [a.outcome, a.startedAt, a.host]), [['ambiguous', 2_000, null], ['accepted', 3_100, 'fs01'], ['accepted (lease lost)', 3_200, 'fs01']]);
  });

  withStore('one claim re-taking several messages whose leases ran out records an ambiguous attempt for each', async (store) => {
    const batch = [message(), message(), message()];
    await store.outbox.enqueue(batch);
    await store.outbox.claimDue(2_000, 3, 1_000, 'dead');
    assert.equal((await store.outbox.claimDue(4_000, 3, 1_000, 'next')).length, 3);
    for (const m of batch) {
      const again = await store.outbox.get(m.id);
      assert.deepEqual([again?.possibleDuplicate, again?.attempts, again?.lastOutcome], [true, 1, 'ambiguous']);
      const attempts = await store.outbox.attempts(m.id);
      assert.deepEqual(attempts.map((a) => [a.outcome, a.startedAt, a.durationMs]), [['ambiguous', 2_000, 1_000]]);
      assert.match(attempts[0]!.detail, /no outcome was recorded.*\(dead\)/);
    }
  });

  withStore('makeDue makes a profile’s held-back messages due as of their creation, oldest first', async (store) => {
    const older = message({ createdAt: 1_000 });
    const newer = message({ createdAt: 2_000 });
    const otherProfile = message({ createdAt: 1_000, profile: 'other' });
    await store.outbox.enqueue([older, newer, otherProfile]);
    for (const m of [older, newer, otherProfile]) await store.outbox.retry(m.id, 900_000); // held back until then
    assert.equal(await store.outbox.makeDue('office', 5_000), 2);
    assert.equal((await store.outbox.get(older.id))?.nextAttemptAt, 1_000);
    assert.equal((await store.outbox.get(otherProfile.id))?.nextAttemptAt, 900_000, 'other profiles keep their time');
    assert.deepEqual((await store.outbox.claimDue(5_000, 5, 1_000, 'x')).map((m) => m.id), [older.id, newer.id]);
    assert.equal(await store.outbox.makeDue('office', 5_001), 0, 'leased messages are left alone');
  });

  withStore('a suspended route’s messages are not claimed before the suspension ends, and count as due then', async (store) => {
    const held = message();
    const other = message({ profile: 'other' });
    await store.outbox.enqueue([held, other]);
    await store.outbox.suspendRoute('office', 30_000, 'connection refused', 2_000);
    assert.deepEqual(await store.outbox.routeSuspension('office', 2_000), { profile: 'office', since: 2_000, until: 30_000, reason: 'connection refused' });
    assert.deepEqual((await store.outbox.claimDue(2_000, 5, 1_000, 'x')).map((m) => m.id), [other.id]);
    assert.equal(await store.outbox.nextDueAt(['other']), 30_000, 'the held message is due when the suspension ends');
    const waiting = await store.outbox.get(held.id);
    assert.equal(waiting?.state, 'queued');
    assert.equal(waiting?.attempts, 0, 'nothing was attempted or written per message');
    assert.equal(await store.outbox.routeSuspension('office', 30_000), undefined, 'over at until');
    assert.ok((await store.outbox.claimDue(30_000, 5, 1_000, 'x')).some((m) => m.id === held.id));
    // A later call replaces it; until <= now lifts it.
    await store.outbox.suspendRoute('office', 90_000, 'again', 40_000);
    await store.outbox.suspendRoute('office', 41_000, 'the route works again', 41_000);
    assert.equal(await store.outbox.routeSuspension('office', 41_000), undefined);
    // A person's retry of one of its messages asks for the route to be tried now.
    await store.outbox.suspendRoute('office', 200_000, 'connection refused', 50_000);
    await store.outbox.retry(held.id, 50_000);
    assert.equal(await store.outbox.routeSuspension('office', 50_000), undefined, 'a retry ends the suspension');
    assert.ok((await store.outbox.claimDue(50_000, 5, 1_000, 'x')).some((m) => m.id === held.id));
  });

  withStore('enqueue answers in the order given; a dedupeKey only blocks while its message is pending', async (store) => {
    const [a, b, c] = [message({ dedupeKey: 'k' }), message(), message({ dedupeKey: 'k' })];
    const results = await store.outbox.enqueue([a, b, c]);
    assert.deepEqual(results, [{ id: a.id }, { id: b.id }, { id: c.id, duplicateOf: a.id }]);
    await store.outbox.fail(a.id, 'given up', 2_000);
    const again = message({ dedupeKey: 'k' });
    assert.deepEqual(await store.outbox.enqueue([again]), [{ id: again.id }], 'a final message no longer blocks its key');
    assert.deepEqual((await store.outbox.list({ dedupeKey: 'k' })).map((m) => m.id).sort(), [a.id, again.id].sort(), 'the dedupeKey filter sees every state');
  });

  withStore('claimById leases one message whatever its due time, and not a leased one', async (store) => {
    const m = message();
    await store.outbox.enqueue([m]);
    await store.outbox.retry(m.id, 900_000); // not due before 900 000
    assert.deepEqual(await store.outbox.claimDue(2_000, 5, 1_000, 'x'), []);
    const claimed = await store.outbox.claimById(m.id, 2_000, 10_000, 'test');
    assert.equal(claimed?.id, m.id);
    assert.deepEqual(claimed?.raw, m.raw);
    assert.equal(await store.outbox.claimById(m.id, 3_000, 10_000, 'other'), undefined, 'a live lease is not taken over');
    assert.equal(await store.outbox.claimById('missing', 3_000, 10_000, 'other'), undefined);
  });

  withStore('release by someone who does not hold the lease changes nothing', async (store) => {
    const m = message();
    await store.outbox.enqueue([m]);
    await store.outbox.claimDue(2_000, 1, 60_000, 'holder');
    await store.outbox.release([m.id], 'stranger', 2_500);
    assert.equal((await store.outbox.get(m.id))?.state, 'sending');
    assert.deepEqual(await store.outbox.claimDue(2_600, 1, 60_000, 'stranger'), []);
  });

  withStore('list filters by state, profile, urgency and creation, and honours limit', async (store) => {
    const old = message({ createdAt: 100, priority: 0 });
    const mid = message({ createdAt: 200, profile: 'home' });
    const fresh = message({ createdAt: 5_000, priority: 9 });
    await store.outbox.enqueue([old, mid, fresh]);
    await store.outbox.fail(fresh.id, 'no', 6_000);
    const ids = async (f: Parameters<Store['outbox']['list']>[0]) => (await store.outbox.list(f)).map((m) => m.id).sort();
    assert.deepEqual(await ids({ states: ['failed'] }), [fresh.id]);
    assert.deepEqual(await ids({ profile: 'home' }), [mid.id]);
    assert.deepEqual(await ids({ maxPriority: 0 }), [old.id]);
    assert.deepEqual(await ids({ createdBefore: 1_000 }), [mid.id, old.id].sort());
    assert.equal((await store.outbox.list({ limit: 2 })).length, 2);
  });

  withStore('two handles on the same store never lease one message twice', async (store, opened) => {
    const second = await opened.another();
    const messages = Array.from({ length: 20 }, () => message());
    await store.outbox.enqueue(messages);
    const [mine, theirs] = await Promise.all([store.outbox.claimDue(2_000, 15, 60_000, 'a'), second.outbox.claimDue(2_000, 15, 60_000, 'b')]);
    const claimed = [...mine, ...theirs].map((m) => m.id);
    assert.equal(claimed.length, 20);
    assert.equal(new Set(claimed).size, 20, 'no message was leased by both');
    assert.equal((await second.outbox.get(messages[0]!.id))?.state, 'sending', 'one handle sees what the other wrote');
  });

  withStore('two handles enqueueing one dedupeKey at the same moment store it once', async (store, opened) => {
    const second = await opened.another();
    // Several rounds: one lucky interleaving must not let a store without the guarantee pass.
    for (let round = 0; round < 10; round++) {
      const key = `race:${round}`;
      const results = await Promise.all([store.outbox.enqueue([message({ dedupeKey: key })]), second.outbox.enqueue([message({ dedupeKey: key })])]);
      assert.equal(results.flat().filter((r) => !r.duplicateOf).length, 1, `round ${round}: one stored, one told it is a duplicate`);
      assert.equal((await store.outbox.list({ dedupeKey: key })).length, 1);
    }
  });

  withStore('retry refuses a message being delivered right now, and one the server already accepted', async (store) => {
    const m = message();
    await store.outbox.enqueue([m]);
    await store.outbox.claimDue(2_000, 1, 60_000, 'a');
    await assert.rejects(store.outbox.retry(m.id, 3_000), { code: 'ERR_OUTBOX_STATE' });
    await store.outbox.complete([{ attempt: { messageId: m.id, startedAt: 2_000, durationMs: 5, transport: 'smtp', outcome: accepted }, state: 'sent', nextAttemptAt: 2_005, possibleDuplicate: false, owner: 'a' }], 2_005);
    await assert.rejects(store.outbox.retry(m.id, 4_000), { code: 'ERR_OUTBOX_STATE' }, 'sending it again would deliver a duplicate');
    assert.equal((await store.outbox.get(m.id))?.state, 'sent');
  });
}
