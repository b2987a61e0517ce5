import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdmin } from '../../src/app/admin-wiring.js';
import { openApp } from '../../src/app/context.js';
import { manualPeriod } from '../../src/admin/period.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

// Item 32: a period with an SMTP outage read "sent 5 … stuck now: 0" — nothing said the mail was
// late. The summary counts messages deferred or retried in the period and the longest delay.

const MIN = 60_000;
const NOW = Date.parse('2026-11-22T20:00:00Z');

test('an SMTP outage in the period: the summary says how many messages were deferred and the longest delay', async () => {
  let peer = await SmtpPeer.start();
  const port = peer.port;
  const ws = new Workspace(smtpConfig({ servers: [{ port }], extra: 'admin:\n  timezone: UTC\n' }));
  const clock = new FakeClock(NOW - 3 * 60 * MIN);
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  try {
    await peer.stop(); // the outage
    for (let i = 0; i < 5; i++) {
      await app.outbox.enqueue({ kind: 'backup.failed', severity: 'critical', profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: `alert ${i}`, text: 'x' });
    }
    // One message probes the dead route; the route breaker holds the other four back untried.
    assert.equal((await app.dispatcher.runPass()).deferred, 1);
    clock.advance(47 * MIN);
    peer = await SmtpPeer.start({ port }); // back
    let sent = 0;
    for (let pass = 0; pass < 4 && sent < 5; pass++) sent += (await app.dispatcher.runPass()).sent;
    assert.equal(sent, 5);

    clock.set(NOW);
    const admin = buildAdmin(app);
    const outcome = await admin.process.run(manualPeriod('daily', NOW, 'UTC'), 'manual');
    assert.equal(outcome.result, 'sent', JSON.stringify(outcome));
    await app.dispatcher.runPass();
    const summary = peer.received.find((m) => /summary|Daily/i.test(m.parsed.subject ?? ''));
    assert.ok(summary, peer.received.map((m) => m.parsed.subject).join(', '));
    const text = summary.parsed.text ?? '';
    assert.match(text, /sent 5\b/);
    assert.match(text, /late: 5 messages deferred or retried; longest delay before delivery 47m/, text);
    assert.match(String(summary.parsed.html), /late: 5 messages deferred or retried; longest delay before delivery 47m/);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});

test('a period without retries says so', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: 'admin:\n  timezone: UTC\n' }));
  const clock = new FakeClock(NOW - 60 * MIN);
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  try {
    await app.outbox.enqueue({ kind: 'backup.failed', severity: 'critical', profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'on time', text: 'x' });
    assert.equal((await app.dispatcher.runPass()).sent, 1);
    const health = await app.store.summary.delivery(NOW - 24 * 60 * MIN, NOW, NOW - 60 * MIN);
    assert.equal(health.deferred, 0);
    assert.equal(health.longestDelayMs, 0);
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});
