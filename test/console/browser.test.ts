import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/workspace.js';
import { consoleFixture, CONSOLE_PASSWORD, CONSOLE_USER, type ConsoleFixture } from './fixture.js';

// The console in a real browser (Debian's Chromium driven by playwright-core), as a person uses
// it: log in, see the failed set first, open its run, retry a message, send tests, log out.
const CHROMIUM = '/usr/bin/chromium';
type Playwright = typeof import('playwright-core');
let playwright: Playwright | undefined;
let skip: string | false = false;
try {
  playwright = await import('playwright-core');
} catch {
  skip = 'playwright-core is not installed (run npm install): the console is not checked in a browser';
}
if (!skip && !existsSync(CHROMIUM)) skip = `${CHROMIUM} is not installed (apt-get install chromium): the console is not checked in a browser`;

/** Screenshots are kept as test artifacts here (var/ is ignored by git). */
const ARTIFACTS = path.join(REPO_ROOT, 'var/test-artifacts/console');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe('the console in Chromium', { skip }, () => {
  let f: ConsoleFixture;
  let browser: Awaited<ReturnType<Playwright['chromium']['launch']>>;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    f = await consoleFixture();
    browser = await playwright!.chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    await f?.close();
  });

  /** axe-core's serious and critical violations on the page (the page's CSP forbids scripts, so axe runs through the driver). */
  async function seriousViolations(page: import('playwright-core').Page): Promise<string[]> {
    const found = await page.evaluate<Array<{ id: string; impact: string; nodes: unknown[] }>>(`(async () => { ${AXE_SOURCE}; const r = await axe.run(document, { resultTypes: ['violations'] }); return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target) })); })()`);
    return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}) at ${JSON.stringify(v.nodes).slice(0, 200)}`);
  }

  it('log in, the failed set first, its run and log, retry a message, send tests through a channel and a profile, log out', async (t) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    try {
      await page.goto(f.server.url);
      assert.match(page.url(), /\/login$/);
      // Keyboard first: the first Tab lands on the skip link.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate<string>('document.activeElement.textContent.trim()'), 'Skip to content');
      await page.getByLabel('User').fill(CONSOLE_USER);
      await page.getByLabel('Password').fill(CONSOLE_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${f.server.url}/`);

      const firstRow = page.locator('tbody tr').first();
      assert.match((await firstRow.innerText()).replace(/\s+/g, ' '), /nightly.*failed/);
      assert.deepEqual(await seriousViolations(page), [], 'overview');
      await page.screenshot({ path: path.join(ARTIFACTS, 'overview-1280.png'), fullPage: true });

      await firstRow.getByRole('link', { name: /run \d+ of nightly/ }).click();
      await page.waitForURL(/\/runs\/\d+$/);
      assert.match(await page.locator('main').innerText(), /disk \/srv\/db not mounted/);
      assert.deepEqual(await seriousViolations(page), [], 'run');

      await page.getByRole('link', { name: 'Outbox' }).click();
      await page.getByRole('link', { name: 'nightly failed on console-test', exact: true }).click();
      await page.getByRole('button', { name: 'Retry now' }).click();
      await page.waitForURL(new RegExp(`/outbox/${f.deferredId}$`));
      assert.match(await page.getByRole('status').innerText(), /due now/);
      assert.deepEqual(await seriousViolations(page), [], 'message');

      await page.getByRole('link', { name: 'Notifications' }).click();
      await page.getByRole('button', { name: 'Send test via team' }).click();
      await page.waitForURL(/\/notifications$/);
      assert.match(await page.getByRole('status').innerText(), /test through team: accepted/);
      assert.equal(f.slack.received.length, 1);
      await page.getByRole('button', { name: 'Send test via office' }).click();
      await page.waitForURL(/\/notifications$/);
      assert.match(await page.getByRole('status').innerText(), /test through office: accepted/);
      assert.ok(f.smtp.received.some((m) => m.raw.toString().includes('Vigil test message')));
      assert.deepEqual(await seriousViolations(page), [], 'notifications');

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(/\/login$/);
      await page.goto(f.server.url);
      assert.match(page.url(), /\/login$/, 'logged out: the overview asks to log in again');
    } catch (error) {
      const file = path.join(ARTIFACTS, 'failure.png');
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      t.diagnostic(`screenshot: ${file}`);
      throw error;
    } finally {
      await context.close();
    }
  });

  for (const [width, scheme] of [
    [390, 'light'],
    [390, 'dark'],
    [1280, 'dark'],
  ] as const) {
    it(`the overview at ${width} px (${scheme}): no horizontal scrolling, no serious accessibility violation`, async (t) => {
      const context = await browser.newContext({ viewport: { width, height: 844 }, colorScheme: scheme });
      const page = await context.newPage();
      try {
        await page.goto(`${f.server.url}/login`);
        await page.getByLabel('User').fill(CONSOLE_USER);
        await page.getByLabel('Password').fill(CONSOLE_PASSWORD);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.waitForURL(`${f.server.url}/`);
        const file = path.join(ARTIFACTS, `overview-${width}-${scheme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        t.diagnostic(`screenshot: ${file}`);
        const overflow = await page.evaluate<{ scroll: number; viewport: number }>('({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth })');
        assert.ok(overflow.scroll <= overflow.viewport, `the overview is ${overflow.scroll} px wide on a ${overflow.viewport} px screen (${file})`);
        assert.deepEqual(await seriousViolations(page), []);
      } finally {
        await context.close();
      }
    });
  }
});
