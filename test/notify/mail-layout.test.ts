import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildAdmin } from '../../src/app/admin-wiring.js';
import { openApp, type AppContext } from '../../src/app/context.js';
import { manualPeriod } from '../../src/admin/period.js';
import type { FinalStatus } from '../../src/domain/activity.js';
import type { BackupEvent } from '../../src/domain/events.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

/**
 * Alerts and summaries are read on phones. Real messages — an alert and a daily summary, sent
 * through the real path to a real SMTP server — are opened in Debian's Chromium at 390 px (a
 * phone) and 1000 px (a desktop): nothing may be wider than the screen, and what matters is on
 * screen. When a check fails, the screenshots stay in the temporary directory the output names.
 */
const CHROMIUM = '/usr/bin/chromium';
const WIDTHS = [390, 1000] as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// A path with no place to break a line: the classic cause of a message wider than the phone.
const LONG_PATH = `/srv/exports/${'department-of-long-directory-names-'.repeat(4)}final/report.xlsx`;

type Playwright = typeof import('playwright-core');
let playwright: Playwright | undefined;
let skip: string | false = false;
try {
  playwright = await import('playwright-core');
} catch {
  skip = 'playwright-core is not installed (run npm install): mail layout is not checked in a browser';
}
if (!skip && !existsSync(CHROMIUM)) skip = `${CHROMIUM} is not installed (apt-get install chromium): mail layout is not checked in a browser`;

const SETS = `admin:
  timezone: UTC
sets:
  documents-on-the-fileserver:
    engine: command
    command: [/bin/false]
    schedule: "0 2 * * *"
  database:
    engine: command
    command: [/bin/true]
    schedule: "*/30 * * * *"
  photos:
    engine: command
    command: [/bin/true]
    schedule: "0 3 * * *"
`;

async function record(app: AppContext, set: string, status: FinalStatus, endedAt: number, error?: string) {
  const counters = { files: 12_345, bytesScanned: 48_000_000_000, bytesNew: 1_200_000_000, errors: error ? 1 : 0, warnings: 0 };
  const activity = await app.store.activity.record(
    { kind: 'backup', set, engine: 'command', trigger: 'schedule', startedAt: endedAt - 20 * 60_000 },
    { status, endedAt, counters, log: error ? [{ severity: 'error', message: error, path: LONG_PATH }] : [], logDropped: 0 },
  );
  return { activity, counters };
}

/** The HTML of a real alert and a real daily summary, as the SMTP server received them. */
async function realMessages(): Promise<{ alert: string; summary: string }> {
  const peer = await SmtpPeer.start();
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: SETS }));
  const now = Date.parse('2026-11-22T20:00:00Z');
  const clock = new FakeClock(now - HOUR);
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  try {
    for (let d = 12; d >= 1; d--) {
      await record(app, 'database', 'completed', now - d * DAY);
      await record(app, 'photos', d % 5 === 0 ? 'completed-with-warnings' : 'completed', now - d * DAY);
      await record(app, 'documents-on-the-fileserver', 'completed', now - d * DAY);
    }
    const error = `cannot read ${LONG_PATH}: permission denied`;
    const { activity, counters } = await record(app, 'documents-on-the-fileserver', 'failed', clock.now(), error);
    const startedAt = clock.now() - 20 * 60_000;
    app.events.emit({ kind: 'backup.failed', status: 'failed', set: 'documents-on-the-fileserver', engine: 'command', activityId: activity.id, trigger: 'schedule', startedAt, endedAt: clock.now(), scheduledFor: null, counters, firstError: error, snapshotId: null, at: clock.now() } as BackupEvent);
    await app.events.drain();
    await app.dispatcher.runPass();
    clock.set(now);
    const outcome = await buildAdmin(app).process.run(manualPeriod('daily', now, 'UTC'), 'manual');
    assert.equal(outcome.result, 'sent', JSON.stringify(outcome));
    await app.dispatcher.runPass();
    const alert = peer.received.find((m) => m.parsed.headers.get('x-vigil-kind') !== 'summary.daily');
    const summary = peer.received.find((m) => m.parsed.headers.get('x-vigil-kind') === 'summary.daily');
    assert.ok(alert && summary, `an alert and a summary arrived (${peer.received.length} messages)`);
    return { alert: String(alert.parsed.html), summary: String(summary.parsed.html) };
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
}

describe('alerts and summaries fit a 390 px phone and a 1000 px screen (Chromium)', { skip }, () => {
  let browser: Awaited<ReturnType<Playwright['chromium']['launch']>>;
  let messages: { alert: string; summary: string };
  // Screenshots are kept only when a check failed, to look at; otherwise removed.
  const shots = mkdtempSync(path.join(tmpdir(), 'vigil-mail-layout-'));
  let failed = false;

  before(async () => {
    messages = await realMessages();
    // As root Chromium needs --no-sandbox; Playwright gives it a fresh temporary profile.
    browser = await playwright!.chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    if (!failed) rmSync(shots, { recursive: true, force: true });
  });

  async function open(html: string, width: number, name: string) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.setDefaultTimeout(30_000);
    // Mail clients load nothing remote; neither does this page.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const file = path.join(shots, `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    // A string, not a function: the test is compiled without the DOM's types.
    const overflow = await page.evaluate<{ scroll: number; viewport: number }>('({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth })');
    return { page, file, overflow };
  }

  for (const width of WIDTHS) {
    it(`the alert at ${width} px: no horizontal scrolling; status, set, error and pointer on screen`, async (t) => {
      const { page, file, overflow } = await open(messages.alert, width, 'alert');
      t.diagnostic(`screenshot: ${file}`);
      try {
        assert.ok(overflow.scroll <= overflow.viewport, `the alert is ${overflow.scroll} px wide on a ${overflow.viewport} px screen (${file})`);
        for (const text of ['documents-on-the-fileserver failed', 'permission denied', 'vigil activity show']) {
          const box = await page.getByText(text).first().boundingBox();
          assert.ok(box, `"${text}" is shown`);
          assert.ok(box.x >= 0 && box.x + box.width <= width, `"${text}" lies within the screen: x ${box.x}, width ${box.width} (${file})`);
        }
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        await page.close();
      }
    });

    it(`the daily summary at ${width} px: no horizontal scrolling; the sets table ${width < 600 ? 'stacks each set' : 'is a table'}`, async (t) => {
      const { page, file, overflow } = await open(messages.summary, width, 'summary');
      t.diagnostic(`screenshot: ${file}`);
      try {
        assert.ok(overflow.scroll <= overflow.viewport, `the summary is ${overflow.scroll} px wide on a ${overflow.viewport} px screen (${file})`);
        const name = await page.locator('td', { hasText: /^photos$/ }).first().boundingBox();
        const runs = await page.locator('td', { hasText: /^photos$/ }).first().locator('xpath=following-sibling::td[2]').boundingBox();
        assert.ok(name && runs, 'the photos row and its Runs cell are shown');
        for (const box of [name, runs]) assert.ok(box.x >= 0 && box.x + box.width <= width, `a sets cell lies within the screen: x ${box.x}, width ${box.width} (${file})`);
        if (width < 600) assert.ok(runs.y >= name.y + name.height - 1, `on a phone a set's values are stacked under its name (${file})`);
        else assert.ok(Math.abs(runs.y - name.y) < 2, `on a wide screen a set is one table row (${file})`);
        const heading = await page.getByText('Needs attention').boundingBox();
        assert.ok(heading && heading.x + heading.width <= width);
        const badge = await page.getByText('FAILED', { exact: true }).boundingBox();
        assert.ok(badge && badge.height < 24, `the FAILED badge is one line, not broken into letters: ${badge?.height} px high (${file})`);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        await page.close();
      }
    });
  }
});
