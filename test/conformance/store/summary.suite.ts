import assert from 'node:assert/strict';
import type { NewMessage } from '../../../src/storage/ports/outbox-store.js';
import type { Store } from '../../../src/storage/ports/store.js';
import type { OutcomeKind } from '../../../src/domain/outcome.js';
import { storeCase, type OpenStore } from './harness.js';
import { recordRun } from './fixtures.js';

/**
 * The contract of SummaryStore (src/storage/ports.ts). The aggregates are the Admin summary's
 * input, so each case checks numbers a person would read — and "the latest" means the latest,
 * whatever order the rows were written in.
 */
export function summaryConformance(name: string, open: OpenStore): void {
  const withStore = storeCase(name, 'summary', open);
  let n = 0;
  const message = (over: Partial<NewMessage> = {}): NewMessage => {
    n++;
    return { id: `s${n}`, messageId: `<s${n}@x.example>`, kind: 'test', severity: 'info', priority: 5, profile: 'office', dedupeKey: null, envelope: { from: 'a@x.example', to: ['b@x.example'] }, subject: `subject ${n}`, raw: Buffer.from('x'), createdAt: 1_000, ...over };
  };
  /** Claims `id` and completes one attempt of it through `server` with the given outcome. */
  const attempt = async (store: Store, id: string, at: number, kind: OutcomeKind, server: string, state: 'sent' | 'deferred' | 'failed'): Promise<void> => {
    const claimed = await store.outbox.claimById(id, at, 60_000, 'w');
    assert.ok(claimed, `claim ${id}`);
    await store.outbox.complete([{ attempt: { messageId: id, startedAt: at, durationMs: 10, transport: 'smtp', outcome: { kind, detail: `${kind} at ${at}`, server, transcript: '' } }, state, nextAttemptAt: at + 60_000, possibleDuplicate: false, owner: 'w' }], at + 10);
  };

  withStore('periodStats and problems count backup runs that ended in [since, until)', async (store) => {
    await recordRun(store, 'docs', 'completed', 1_000, 2_000, { counters: { files: 3, bytesScanned: 30, bytesNew: 7, errors: 0, warnings: 0 } });
    await recordRun(store, 'docs', 'failed', 3_000, 3_500);
    await recordRun(store, 'docs', 'missed', 4_000, 4_000);
    await recordRun(store, 'docs', 'completed', 9_000, 10_000); // ends at until: outside
    await recordRun(store, 'docs', 'failed', 0, 999); // ends before since: outside
    await store.activity.record({ kind: 'admin', set: null, engine: null, trigger: 'service', startedAt: 1_500 }, { status: 'failed', endedAt: 1_600, counters: { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 }, log: [], logDropped: 0 });
    const [docs, ...others] = await store.summary.periodStats(1_000, 10_000);
    assert.deepEqual(others, [], 'admin activities are not a set');
    assert.deepEqual(docs, { set: 'docs', runs: 3, byStatus: { completed: 1, failed: 1, missed: 1 }, files: 5, bytesScanned: 50, bytesNew: 17, durationMs: 1_500 });
    const problems = await store.summary.problems(1_000, 10_000);
    assert.deepEqual(problems.map((p) => [p.set, p.status, p.count]).sort(), [['docs', 'failed', 1], ['docs', 'missed', 1]]);
  });

  withStore('a problem group names its latest run, whatever order the runs were recorded in', async (store) => {
    const latest = await recordRun(store, 'docs', 'failed', 5_000, 6_000, { log: [{ severity: 'error', message: 'disk full', path: null }] });
    await recordRun(store, 'docs', 'failed', 1_000, 2_000, { log: [{ severity: 'error', message: 'old error', path: null }] });
    await recordRun(store, 'docs', 'failed', 3_000, 4_000, { log: [{ severity: 'error', message: 'older error', path: null }] });
    const [group] = await store.summary.problems(0, 10_000);
    assert.equal(group?.count, 3);
    assert.deepEqual(group?.latest, { activityId: latest.id, set: 'docs', status: 'failed', startedAt: 5_000, endedAt: 6_000, firstError: 'disk full' });
  });

  withStore('lastRuns, lastEnded and successSamples look at each set’s newest runs', async (store) => {
    const ok1 = await recordRun(store, 'docs', 'completed', 1_000, 2_000);
    const ok2 = await recordRun(store, 'docs', 'completed-with-warnings', 3_000, 4_000);
    const bad = await recordRun(store, 'docs', 'failed', 5_000, 6_000);
    await recordRun(store, 'docs', 'skipped', 7_000, 7_000);
    await store.activity.start({ kind: 'backup', set: 'docs', engine: 'builtin', trigger: 'schedule', startedAt: 8_000 }); // still running
    const [last] = await store.summary.lastRuns(['docs', 'none']);
    assert.equal(last?.status, 'skipped', 'the newest ended run, whatever its status');
    assert.equal((await store.summary.lastRuns(['none'])).length, 0);
    assert.equal(await store.summary.lastEnded('docs'), 6_000, 'a skipped run is not a reference');
    assert.equal(await store.summary.lastEnded('none'), undefined);
    const samples = await store.summary.successSamples(['docs', 'none'], 5);
    assert.deepEqual(samples.docs?.map((s) => s.activityId), [ok2.id, ok1.id], 'successes only, newest first');
    assert.deepEqual(samples.none, []);
    assert.deepEqual((await store.summary.successSamples(['docs'], 1)).docs?.map((s) => s.activityId), [ok2.id]);
    assert.notEqual(bad.id, ok2.id);
  });

  withStore('trend counts ok, partial and bad backup runs per set and day', async (store) => {
    await recordRun(store, 'docs', 'completed', 100, 200, { counters: { files: 1, bytesScanned: 1, bytesNew: 4, errors: 0, warnings: 0 } });
    await recordRun(store, 'docs', 'completed-with-errors', 300, 400);
    await recordRun(store, 'docs', 'missed', 1_100, 1_100);
    await recordRun(store, 'docs', 'failed', 1_200, 1_300);
    const days = [{ start: 0, end: 1_000, label: '11-21' }, { start: 1_000, end: 2_000, label: '11-22' }];
    const cells = (await store.summary.trend(days)).sort((a, b) => a.day - b.day);
    assert.deepEqual(cells.map((c) => ({ set: c.set, day: c.day, ok: c.ok, partial: c.partial, bad: c.bad })), [
      { set: 'docs', day: 0, ok: 1, partial: 1, bad: 0 },
      { set: 'docs', day: 1, ok: 0, partial: 0, bad: 2 },
    ]);
    assert.equal(cells[0]?.bytesNew, 9);
    assert.deepEqual(await store.summary.trend([]), []);
  });

  withStore('trend limited to some sets counts only theirs (the console’s page of sets)', async (store) => {
    await recordRun(store, 'docs', 'completed', 100, 200);
    await recordRun(store, 'mail', 'failed', 300, 400);
    await recordRun(store, "o'brien", 'missed', 500, 500);
    const days = [{ start: 0, end: 1_000, label: '11-21' }];
    const sets = async (only?: readonly string[]) => (await store.summary.trend(days, only)).map((c) => c.set).sort();
    assert.deepEqual(await sets(), ['docs', 'mail', "o'brien"], 'no list: every set');
    assert.deepEqual(await sets(['mail', "o'brien", 'none']), ['mail', "o'brien"]);
    assert.deepEqual(await sets([]), [], 'an empty list: no set');
  });

  withStore('lastRuns and successSamples answer for a thousand sets at once, names of any spelling', async (store) => {
    const names = Array.from({ length: 1_000 }, (_v, i) => `set ${i} "q" o'k`);
    for (const [i, name] of names.entries()) if (i % 100 === 0) await recordRun(store, name, i % 200 === 0 ? 'completed' : 'failed', i, i + 10);
    const last = await store.summary.lastRuns(names);
    assert.deepEqual(last.map((r) => r.set).sort(), names.filter((_n, i) => i % 100 === 0).sort());
    const samples = await store.summary.successSamples(names, 3);
    assert.equal(Object.keys(samples).length, 1_000, 'every set asked for has an entry');
    assert.deepEqual(names.filter((n) => samples[n]!.length > 0).sort(), names.filter((_n, i) => i % 200 === 0).sort());
  });

  withStore('adminFailures lists failed admin processes of the period, oldest first', async (store) => {
    const admin = (startedAt: number, status: 'failed' | 'completed') =>
      store.activity.record({ kind: 'admin', set: null, engine: null, trigger: 'service', startedAt }, { status, endedAt: startedAt + 10, counters: { files: 0, bytesScanned: 0, bytesNew: 0, errors: 0, warnings: 0 }, log: [{ severity: 'error', message: `boom ${startedAt}`, path: null }], logDropped: 0 });
    const second = await admin(3_000, 'failed');
    const first = await admin(1_000, 'failed');
    await admin(2_000, 'completed');
    await admin(9_000, 'failed');
    const failures = await store.summary.adminFailures(1_000, 5_000);
    assert.deepEqual(failures.map((f) => [f.activityId, f.firstError]), [[first.id, 'boom 1000'], [second.id, 'boom 3000']]);
  });

  withStore('delivery counts the period’s end states and what is stuck now; stuckMessages lists the stuck', async (store) => {
    const sent = message({ createdAt: 1_000 });
    const failed = message({ createdAt: 1_000 });
    const stuck = message({ createdAt: 500 });
    const fresh = message({ createdAt: 9_000 });
    const handedOff = message({ createdAt: 9_000, profile: 'local' });
    await store.outbox.enqueue([sent, failed, stuck, fresh, handedOff]);
    await attempt(store, sent.id, 2_000, 'accepted', 'smtp.example.com:587', 'sent');
    await attempt(store, failed.id, 2_000, 'permanent', 'smtp.example.com:587', 'failed');
    await store.handOffs.record({ outboxId: handedOff.id, messageId: '<h1@x>', client: 'postfix', program: 'sendmail', queueListing: 'mailq', sender: 'a@x', recipients: ['b@x'], handedAt: 1_000 });
    await store.handOffs.update(handedOff.id, { stuckSince: 3_000 });
    const health = await store.summary.delivery(1_500, 5_000, 5_000);
    assert.equal(health.sent, 1);
    assert.equal(health.failed, 1);
    assert.equal(health.expired, 0);
    assert.equal(health.queuedLocally, 0);
    assert.equal(health.stuck, 1, 'pending and created before stuckBefore');
    assert.equal(health.stuckInMta, 1);
    assert.deepEqual((await store.summary.stuckMessages(5_000, 10)).map((m) => [m.id, m.subject, m.createdAt]), [[stuck.id, stuck.subject, 500]]);
    assert.equal((await store.summary.stuckMessages(10_000, 1)).length, 1, 'limit');
  });

  withStore('lastAttempts gives the newest attempt through each server of each profile', async (store) => {
    const a = message();
    const b = message();
    const c = message({ profile: 'home' });
    await store.outbox.enqueue([a, b, c]);
    await attempt(store, b.id, 5_000, 'temporary', 'smtp.example.com:587', 'deferred');
    await attempt(store, a.id, 2_000, 'accepted', 'smtp.example.com:587', 'sent');
    await attempt(store, c.id, 3_000, 'accepted', 'mail.home.example:465', 'sent');
    const last = await store.summary.lastAttempts();
    assert.deepEqual(last.map((l) => [l.profile, l.server, l.at, l.outcome, l.detail]).sort(), [
      ['home', 'mail.home.example:465', 3_000, 'accepted', 'accepted at 3000'],
      ['office', 'smtp.example.com:587', 5_000, 'temporary', 'temporary at 5000'],
    ]);
  });
}
