import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdmin } from '../../src/app/admin-wiring.js';
import { openApp, type AppContext } from '../../src/app/context.js';
import { Schedule } from '../../src/backup/schedule.js';
import { Scheduler } from '../../src/backup/scheduler.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

/**
 * Issue 18 §31: a clock that jumps must not double alerts. The scheduler and the watchdog both
 * see the window a jump skipped; exactly one of them records it missed, whichever looks first.
 */

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const T0 = Date.parse('2026-11-20T10:00:30Z');
const quietSyslog: SystemLog = { async critical() {} };

function yaml(port: number, stormWindow: string, sets: Record<string, string>): string {
  const body = Object.entries(sets)
    .map(([name, command]) => `  ${name}:\n    engine: command\n    command: [${command}]\n    schedule: "0 * * * *"\n`)
    .join('');
  return smtpConfig({ servers: [{ port }], extra: `admin:\n  grace: 1.5\nsets:\n${body}` }).replace('notification:\n  admins: [admins]\n', `notification:\n  admins: [admins]\n  stormWindow: ${stormWindow}\n`);
}

async function world(stormWindow: string, sets: Record<string, string>) {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(yaml(peer.port, stormWindow, sets));
  const clock = new FakeClock(T0);
  const app: AppContext = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: quietSyslog });
  const scheduler = new Scheduler({ sets: app.loaded.config.sets, runner: app.runner, state: app.store.schedules, clock, log: app.log });
  const watchdog = buildAdmin(app).watchdog;
  await scheduler.recover();
  await watchdog.check(); // starts watching
  const settle = async () => {
    await scheduler.idle();
    await app.events.drain();
    await app.notifications.tick();
    await app.dispatcher.runPass();
  };
  return {
    peer,
    clock,
    app,
    scheduler,
    watchdog,
    settle,
    async close() {
      await scheduler.stop();
      app.notifications.stop();
      await app.close();
      await peer.stop();
      ws.cleanup();
    },
  };
}

const mails = (peer: SmtpPeer) => peer.received.filter((m) => !m.to.some((t) => t.includes('pager')));
const missedAlerts = (peer: SmtpPeer, set: string) => mails(peer).filter((m) => m.parsed.subject === `[Vigil] ${set} missed on vigil-test.example.com`);

test('a +1 day jump: one missed alert per set whichever of watchdog and scheduler looks first; a jump back alerts nothing', async () => {
  const t = await world('0s', { alpha: '/bin/true', bravo: '/bin/true' });
  try {
    t.clock.set(Date.parse('2026-11-20T11:00:30Z'));
    await t.scheduler.tick();
    await t.settle();
    assert.equal(t.peer.received.length, 0, 'an ordinary hourly run tells no one');

    // The clock jumps a day; the watchdog happens to look before the scheduler's next pass.
    t.clock.advance(DAY);
    await t.watchdog.check();
    await t.scheduler.tick();
    await t.settle();
    for (const set of ['alpha', 'bravo']) assert.equal(missedAlerts(t.peer, set).length, 1, `${set}: ${mails(t.peer).map((m) => m.parsed.subject).join(' | ')}`);

    // Another day; this time the scheduler looks first.
    t.clock.advance(DAY);
    await t.scheduler.tick();
    await t.watchdog.check();
    await t.settle();
    for (const set of ['alpha', 'bravo']) assert.equal(missedAlerts(t.peer, set).length, 2, `${set}: ${mails(t.peer).map((m) => m.parsed.subject).join(' | ')}`);

    // And back a day: nothing was missed, nothing is alerted.
    const before = t.peer.received.length;
    t.clock.advance(-DAY);
    await t.watchdog.check();
    await t.scheduler.tick();
    await t.settle();
    t.clock.advance(2 * 60 * MIN);
    await t.watchdog.check();
    await t.scheduler.tick();
    await t.settle();
    assert.deepEqual(
      t.peer.received.slice(before).map((m) => m.parsed.subject),
      [],
    );
  } finally {
    await t.close();
  }
});

test('a +1 day jump with storm grouping: a held set that recovered is not listed after its recovery notice, and no set is listed twice', async () => {
  const t = await world('30s', { alpha: '/bin/true', bravo: '/bin/true', charlie: '/bin/false' });
  try {
    t.clock.set(Date.parse('2026-11-20T11:00:30Z'));
    await t.scheduler.tick();
    await t.settle();
    const firstFailure = mails(t.peer).length; // charlie failed at 11:00
    t.clock.advance(DAY);
    await t.scheduler.tick(); // alpha, bravo, charlie missed; then their newest due time runs
    await t.settle();
    t.clock.advance(31_000);
    await t.settle(); // the window ends: its group goes out
    const after = mails(t.peer).slice(firstFailure);
    const subjects = after.map((m) => m.parsed.subject ?? '');
    const recovered = subjects.findIndex((s) => s.startsWith('[Vigil] bravo recovered'));
    assert.ok(recovered >= 0, subjects.join(' | '));
    const groups = after.filter((m) => /sets (missed|failed)/.test(m.parsed.subject ?? ''));
    assert.equal(groups.length, 1, 'charlie, held twice (missed, then failed), is still failing: one group');
    for (const group of groups) {
      const text = group.parsed.text ?? '';
      assert.doesNotMatch(text, /^bravo +missed/m, `bravo recovered before this group: ${text}`);
      assert.doesNotMatch(text, /^alpha +missed/m, `alpha recovered before this group: ${text}`);
      assert.equal((text.match(/^charlie +(missed|failed)/gm) ?? []).length, 1, `charlie listed once: ${text}`);
      assert.match(group.parsed.subject ?? '', /^\[Vigil\] 1 sets failed/);
    }
  } finally {
    await t.close();
  }
});

test('Schedule.between past its cap: the last two entries are the two newest due times', () => {
  const every = new Schedule('* * * * *', 'UTC');
  const after = Date.parse('2026-11-20T00:00:00Z');
  const until = after + 2 * DAY; // 2,880 due times
  const { times, more } = every.between(after, until);
  assert.equal(times.length + more, 2 * 24 * 60);
  assert.equal(times[0], after + MIN);
  assert.equal(times.at(-1), until);
  assert.equal(times.at(-2), until - MIN, 'the one before the newest, not the 999th');
});
