import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdmin } from '../../src/app/admin-wiring.js';
import { openApp, type AppContext } from '../../src/app/context.js';
import { manualPeriod } from '../../src/admin/period.js';
import type { FinalStatus } from '../../src/domain/activity.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-11-22T20:00:00Z');
const HOSTILE = '<script>alert(1)</script><img src="http://evil.example/x.png">';

async function setup(sets: string) {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: `admin:\n  timezone: UTC\n${sets}` }));
  const clock = new FakeClock(NOW);
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  return { peer, app, admin: buildAdmin(app), async close() { await app.close(); await peer.stop(); ws.cleanup(); } };
}

/** Writes a finished backup activity directly, as a run would have. */
async function ran(app: AppContext, set: string, status: FinalStatus, endedAt: number, c: { files?: number; bytes?: number; ms?: number; error?: string } = {}) {
  return app.store.activity.record(
    { kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: endedAt - (c.ms ?? 60_000) },
    {
      status,
      endedAt,
      counters: { files: c.files ?? 1000, bytesScanned: c.bytes ?? 50_000_000, bytesNew: 1_000_000, errors: c.error ? 1 : 0, warnings: 0 },
      log: c.error ? [{ severity: 'error', message: c.error, path: null }] : [],
      logDropped: 0,
    },
  );
}

async function sendDaily(t: Awaited<ReturnType<typeof setup>>) {
  const outcome = await t.admin.process.run(manualPeriod('daily', NOW, 'UTC'), 'manual');
  assert.equal(outcome.result, 'sent', JSON.stringify(outcome));
  await t.app.dispatcher.runPass();
  assert.equal(t.peer.received.length, 1);
  return t.peer.received[0]!;
}

test('the summary arrives intact at a real SMTP server: counts in the subject, failures first with a pointer, anomalies, HTML escaped and self-contained', async () => {
  const t = await setup(`sets:
  documents:
    engine: command
    command: [/bin/true]
    schedule: "0 2 * * *"
  database:
    engine: command
    command: [/bin/true]
    schedule: "*/30 * * * *"
`);
  try {
    for (let d = 10; d >= 1; d--) await ran(t.app, 'documents', 'completed', NOW - d * DAY - 2 * HOUR, { files: 10_000 + d });
    const vanished = await ran(t.app, 'documents', 'completed', NOW - 2 * HOUR, { files: 12, bytes: 4096 });
    for (let i = 1; i <= 11; i++) await ran(t.app, 'database', 'completed', NOW - i * HOUR);
    const failed = await ran(t.app, 'database', 'failed', NOW - 30 * 60_000, { error: `dump failed: ${HOSTILE}` });
    // A set since removed from the configuration, whose name came from who knows where.
    await ran(t.app, HOSTILE, 'missed', NOW - 3 * HOUR, { error: 'not run' });

    const mail = await sendDaily(t);
    const p = mail.parsed;
    assert.equal(p.subject, 'Vigil daily — vigil-test.example.com: 12 completed, 1 failed, 1 missed, 1 anomaly');
    assert.deepEqual(mail.to, ['ops@example.com']);
    assert.equal(p.headers.get('x-vigil-kind'), 'summary.daily');

    const text = p.text!;
    const attention = text.slice(text.indexOf('NEEDS ATTENTION'), text.indexOf('SETS'));
    assert.ok(attention.indexOf('FAILED') < attention.indexOf('ANOMALY'), 'failures before anomalies');
    assert.match(attention, new RegExp(`vigil activity show ${failed.id}`));
    assert.match(attention, /ANOMALY +documents: backed up 12 files, usually 10006/);
    assert.match(attention, new RegExp(`vigil activity show ${vanished.id}`));
    assert.match(text, /TREND \(14 days/);
    assert.match(text, /NEXT RUNS\n {2}2026-11-22 20:30 {2}database\n {2}2026-11-23 02:00 {2}documents/);

    const html = p.html as string;
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'), 'hostile text is shown, escaped');
    assert.ok(!/<script|<img|<link|<iframe|url\(|@import|<[^>]*\s(src|href)=/i.test(html), 'no script, image, stylesheet or external resource');
    // The one <style> is the phone layout's media query (mail-layout.test.ts), nothing loaded.
    assert.equal((html.match(/<style/gi) ?? []).length, 1);
    assert.ok(html.includes('vigil activity show ' + failed.id));
    // The trend: 14 day cells per set, bars as inline-styled cells.
    assert.equal((html.match(/<div style="width:6px;height:/g) ?? []).length, 14 * 3);
  } finally {
    await t.close();
  }
});

test('with no sets at all, the daily summary still goes out and says so', async () => {
  const t = await setup('');
  try {
    const mail = await sendDaily(t);
    assert.equal(mail.parsed.subject, 'Vigil daily — vigil-test.example.com: 0 completed');
    assert.match(mail.parsed.text!, /No backup sets are configured\./);
    assert.match(mail.parsed.text!, /Nothing: every backup that ended in the period completed/);
    assert.match(mail.parsed.html as string, /No backup sets are configured\./);
  } finally {
    await t.close();
  }
});

test('500 sets: every set has its row and trend in the text part, failures are capped with a count, the HTML is condensed, the message arrives whole', async () => {
  const names = Array.from({ length: 500 }, (_v, i) => `set-${String(i).padStart(3, '0')}`);
  const t = await setup(`sets:\n${names.map((n) => `  ${n}:\n    engine: command\n    command: [/bin/true]\n    schedule: "0 * * * *"\n`).join('')}`);
  try {
    for (const [i, name] of names.entries()) await ran(t.app, name, i % 7 === 0 ? 'failed' : 'completed', NOW - HOUR - i * 1000, i % 7 === 0 ? { error: `disk ${i} gone` } : {});
    const mail = await sendDaily(t);
    const failedCount = names.filter((_n, i) => i % 7 === 0).length;
    assert.equal(mail.parsed.subject, `Vigil daily — vigil-test.example.com: ${500 - failedCount} completed, ${failedCount} failed`);
    const text = mail.parsed.text!;
    for (const name of names) assert.ok(text.includes(`\n  ${name} `), `row for ${name}`);
    assert.match(text, new RegExp(`… and ${failedCount - 50} more`));
    const html = mail.parsed.html as string;
    assert.ok(html.trimEnd().endsWith('</html>'), 'the HTML part is complete');
    // Too many sets for one HTML message (Gmail clips at ~100 kB): the 10 worst in full, the
    // other failed sets named, the healthy ones condensed; the text part above has every row.
    assert.ok(Buffer.byteLength(html) < 100_000, `HTML is ${Buffer.byteLength(html)} bytes`);
    assert.equal((html.match(/<div style="width:6px;height:/g) ?? []).length, 14 * 10);
    assert.match(html, new RegExp(`${500 - failedCount} healthy sets and ${failedCount - 10} sets that need a look condensed; the text part lists every set`));
  } finally {
    await t.close();
  }
});
