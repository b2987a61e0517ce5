import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdminOutcome } from '../../src/admin/admin-process.js';
import { AdminHarness, adminConfig } from './helpers.js';
import { FakeClock } from '../helpers/fake-clock.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

test('catch-up: a daily summary whose time passed while the service was down is sent once at start, within the window', async () => {
  // 20:00 UTC was 40 minutes ago; the service starts now.
  const h = new AdminHarness(adminConfig({ daily: '20:00', timezone: 'UTC', catchUpWindow: '2h' }), new FakeClock(Date.parse('2026-11-22T20:40:00Z')));
  try {
    const outcomes = await h.scheduler.recover();
    assert.deepEqual(outcomes.map((o) => [o.result, o.key]), [['sent', 'daily:2026-11-22']]);
    const [mail] = await h.summaries();
    assert.equal(mail!.subject, 'Vigil daily — fileserver: 0 completed');
    assert.deepEqual(mail!.envelope.to, ['ops@example.com']);
    const run = await h.store.adminRuns.get('daily:2026-11-22');
    assert.equal(run!.state, 'sent');
    assert.equal(run!.dueAt, Date.parse('2026-11-22T20:00:00Z'));
    const activity = await h.store.activity.get(run!.activityId!);
    assert.equal(activity!.kind, 'admin');
    assert.equal(activity!.status, 'completed');
    assert.equal(activity!.trigger, 'service');
  } finally {
    await h.close();
  }
});

test('catch-up: beyond the window nothing is sent at start; the next due time is', async () => {
  const h = new AdminHarness(adminConfig({ daily: '20:00', timezone: 'UTC', catchUpWindow: '2h' }), new FakeClock(Date.parse('2026-11-23T09:00:00Z')));
  try {
    assert.deepEqual(await h.scheduler.recover(), []);
    assert.equal((await h.summaries()).length, 0);
    h.clock.set(Date.parse('2026-11-23T20:00:05Z'));
    assert.deepEqual((await h.scheduler.tick()).map((o) => o.key), ['daily:2026-11-23']);
  } finally {
    await h.close();
  }
});

test('no double send across restarts (the store really reopened), nor when the clock moves backwards', async () => {
  const h = new AdminHarness(adminConfig({ daily: '20:00', weekly: 'sun 20:00', timezone: 'UTC' }), new FakeClock(Date.parse('2026-11-22T19:59:00Z')));
  try {
    await h.scheduler.recover();
    assert.equal((await h.summaries()).length, 0, 'nothing is due yet');
    h.clock.set(Date.parse('2026-11-22T20:00:01Z'));
    const first = await h.scheduler.tick();
    // 2026-11-22 is a Sunday: the daily and the weekly are both due.
    assert.deepEqual(first.map((o) => [o.result, o.key]), [['sent', 'daily:2026-11-22'], ['sent', 'weekly:2026-11-22']]);
    await h.scheduler.tick();

    await h.reopen();
    h.clock.advance(5 * MIN);
    const again = await h.scheduler.recover();
    assert.deepEqual(again.map((o) => o.result), ['already-done', 'already-done']);

    // The clock is set back an hour and comes forward again through 20:00.
    await h.reopen();
    h.clock.set(Date.parse('2026-11-22T19:10:00Z'));
    await h.scheduler.recover();
    h.clock.set(Date.parse('2026-11-22T20:00:30Z'));
    assert.deepEqual((await h.scheduler.tick()).map((o) => o.result), ['already-done', 'already-done']);

    const mails = await h.summaries();
    assert.deepEqual(mails.map((m) => m.subject.split(' — ')[0]).sort(), ['Vigil daily', 'Vigil weekly']);
    assert.equal((await h.store.activity.list({ kind: 'admin' })).length, 2, 'one admin activity per period');
  } finally {
    await h.close();
  }
});

test('a run left "running" by a process that died is taken over after an hour', async () => {
  const h = new AdminHarness(adminConfig({ daily: '20:00', timezone: 'UTC' }), new FakeClock(Date.parse('2026-11-22T20:00:00Z')));
  try {
    const key = 'daily:2026-11-22';
    assert.equal(await h.store.adminRuns.claim({ key, kind: 'daily', dueAt: h.clock.now(), startedAt: h.clock.now(), owner: 'dead:1' }, 0), true);
    h.clock.advance(10 * MIN);
    assert.deepEqual((await h.scheduler.recover()).map((o) => o.result), ['already-done'], 'a live claim is respected');
    await h.reopen();
    h.clock.advance(HOUR);
    assert.deepEqual((await h.scheduler.recover()).map((o) => o.result), ['sent']);
  } finally {
    await h.close();
  }
});

/** Moves the clock in 10-minute steps from `from` to `to`, ticking, and returns every period sent. */
async function sweep(h: AdminHarness, from: string, to: string) {
  h.clock.set(Date.parse(from));
  await h.scheduler.recover();
  const sent: AdminOutcome[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += 10 * MIN) {
    h.clock.set(t);
    for (const o of await h.scheduler.tick()) if (o.result === 'sent') sent.push(o);
  }
  // Each period starts where the previous one ended: no hour lost or counted twice across DST.
  for (let i = 1; i < sent.length; i++) {
    const [a, b] = [sent[i - 1]!, sent[i]!];
    if (a.result === 'sent' && b.result === 'sent') assert.equal(b.rendered.summary.period.start, a.rendered.summary.period.end);
  }
  return Promise.all(sent.map(async (o) => (await h.store.adminRuns.get(o.key))!));
}

test('timezone and DST: 02:30 Europe/Berlin across the spring gap and the autumn repeat — one summary per local day, periods contiguous', async () => {
  const h = new AdminHarness(adminConfig({ daily: '02:30', timezone: 'Europe/Berlin', catchUpWindow: '1h' }));
  try {
    const spring = await sweep(h, '2026-03-27T12:00:00Z', '2026-03-31T12:00:00Z');
    assert.deepEqual(spring.map((r) => r.key), ['daily:2026-03-28', 'daily:2026-03-29', 'daily:2026-03-30', 'daily:2026-03-31']);
    // 02:30 does not exist on 29 March (clocks jump 02:00 → 03:00): it runs at 03:00 local, 01:00 UTC.
    assert.equal(new Date(spring[1]!.dueAt).toISOString(), '2026-03-29T01:00:00.000Z');
    assert.equal(new Date(spring[2]!.dueAt).toISOString(), '2026-03-30T00:30:00.000Z', 'summer time: 02:30 CEST is 00:30 UTC');
    assert.equal(spring[2]!.dueAt - spring[1]!.dueAt, 23.5 * HOUR);

    const autumn = await sweep(h, '2026-10-23T12:00:00Z', '2026-10-27T12:00:00Z');
    // 02:30 happens twice on 25 October (03:00 → 02:00): still one summary that day.
    assert.deepEqual(autumn.map((r) => r.key), ['daily:2026-10-24', 'daily:2026-10-25', 'daily:2026-10-26', 'daily:2026-10-27']);
    const mails = await h.summaries();
    assert.equal(mails.length, 8);
    assert.equal(new Set(mails.map((m) => m.dedupeKey)).size, 8);
  } finally {
    await h.close();
  }
});

test('summary periods follow the Admin timezone: the period of a daily at 20:00 New York runs from 20:00 to 20:00 local', async () => {
  const h = new AdminHarness(adminConfig({ daily: '20:00', timezone: 'America/New_York' }), new FakeClock(Date.parse('2026-11-23T01:05:00Z')));
  try {
    const [outcome] = await h.scheduler.recover();
    assert.equal(outcome!.key, 'daily:2026-11-22', 'the local date, not the UTC one (already the 23rd)');
    assert.equal(outcome!.result, 'sent');
    if (outcome!.result === 'sent') {
      assert.equal(outcome!.rendered.summary.period.end, Date.parse('2026-11-23T01:00:00Z'));
      assert.equal(outcome!.rendered.summary.period.start, Date.parse('2026-11-22T01:00:00Z'));
      assert.match(outcome!.rendered.text, /Period: 2026-11-21 20:00 – 2026-11-22 20:00 \(America\/New_York\)/);
    }
  } finally {
    await h.close();
  }
});

test('an Admin process that cannot send fails with its own status and a critical event', async () => {
  const config = adminConfig({ daily: '20:00', timezone: 'UTC', to: ['nobody-group'] });
  const h = new AdminHarness(config, new FakeClock(Date.parse('2026-11-22T20:00:10Z')));
  try {
    const [outcome] = await h.scheduler.recover();
    assert.equal(outcome!.result, 'failed');
    const event = h.events.find((e) => e.kind === 'admin.failed');
    assert.ok(event && event.kind === 'admin.failed');
    assert.match(event.error, /no recipient/);
    const activity = await h.store.activity.get(event.activityId!);
    assert.equal(activity!.status, 'failed');
    assert.equal(activity!.kind, 'admin');
    assert.equal((await h.store.adminRuns.get('daily:2026-11-22'))!.state, 'failed');
    await h.reopen();
    assert.deepEqual((await h.scheduler.recover()).map((o) => o.result), ['already-done'], 'a configuration error is not retried (admin-retry.test.ts has the transient ones)');
  } finally {
    await h.close();
  }
});
