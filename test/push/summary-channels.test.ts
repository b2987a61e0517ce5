import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdmin } from '../../src/app/admin-wiring.js';
import { openApp } from '../../src/app/context.js';
import { manualPeriod } from '../../src/admin/period.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { channelWorkspace } from './helpers.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

test('a channel in notification.admins is not a summary recipient and no "not in the address book" warning: summaries are e-mail only', async () => {
  const ws = channelWorkspace('  phone: { type: ntfy, url: "https://ntfy.example.com/topic" }', 'notification:\n  admins: [admins, phone]\nadmin:\n  timezone: UTC\n');
  cleanups.push(() => ws.cleanup());
  const now = Date.parse('2026-11-22T20:00:00Z');
  const app = openApp({ configFile: ws.configFile, clock: new FakeClock(now), logLevel: 'error' });
  cleanups.push(() => app.close());
  const outcome = await buildAdmin(app).process.run(manualPeriod('daily', now, 'UTC'), 'manual');
  const [summary] = await app.store.outbox.list({});
  assert.equal(summary?.kind, 'summary.daily');
  assert.deepEqual(summary.envelope.to, ['ops@example.com']);
  const notes = await app.store.activity.log((outcome as { activityId: number }).activityId);
  assert.deepEqual(notes.filter((n) => n.message.includes('phone')), [], 'no warning about the channel in the Admin run’s log');
});
