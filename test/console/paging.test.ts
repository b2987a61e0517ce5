import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from '../../src/app/context.js';
import { hashSecret } from '../../src/console/password-hash.js';
import { startConsole } from '../../src/console/server.js';
import { OVERVIEW_PAGE_SIZE } from '../../src/console/data/sets.js';
import { Workspace } from '../helpers/workspace.js';
import { CONSOLE_PASSWORD, CONSOLE_USER } from './fixture.js';

// The Overview comes in pages of OVERVIEW_PAGE_SIZE sets, needing a look first: the one failed
// set of many is on page 1, the counts are of every set, and the API pages alike.
test('the Overview pages its sets, the failed one first; the counts cover every set; the API pages with offset and limit', async () => {
  const count = OVERVIEW_PAGE_SIZE + 5;
  const sets = Array.from({ length: count }, (_v, i) => `  s${String(i).padStart(3, '0')}: { engine: command, command: [${i === count - 1 ? '/bin/false' : '/bin/true'}] }`).join('\n');
  const ws = new Workspace(`dataDir: ./var\nhostname: paging-test\nsets:\n${sets}\nconsole:\n  listen: 127.0.0.1:0\n  users:\n    ${CONSOLE_USER}: { passwordHash: "${await hashSecret(CONSOLE_PASSWORD)}" }\n`);
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  const failed = `s${count - 1}`;
  await app.runner.run(failed, { trigger: 'manual' });
  await app.runner.run('s000', { trigger: 'manual' });
  const server = await startConsole(app.loaded.config.console!, { app: () => app, readOnly: false, clock: app.clock });
  try {
    const login = await fetch(`${server.url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: CONSOLE_USER, password: CONSOLE_PASSWORD }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const page = async (path: string) => (await fetch(server.url + path, { headers: { cookie } })).text();
    const rows = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/activity\?set=([^"]+)"/g)].map((m) => m[1]);
    const first = await page('/');
    assert.equal(rows(first).length, OVERVIEW_PAGE_SIZE);
    assert.equal(rows(first)[0], failed, 'the failed set first');
    assert.match(first, /<div class="stat">1<\/div><div class="t-bad">set needs a look<\/div><div class="muted">of 105 sets<\/div>/);
    assert.match(first, /href="\/\?page=2" rel="next"/);
    const second = await page('/?page=2');
    assert.equal(rows(second).length, 5);
    assert.ok(!rows(second).some((s) => rows(first).includes(s)), 'no set on both pages');
    assert.ok(rows(second).includes('s000') || rows(first).includes('s000'));
    const api = (await (await fetch(`${server.url}/api/v1/sets?offset=1&limit=2`, { headers: { cookie } })).json()) as { sets: Array<{ name: string }>; total: number; byTone: Record<string, number> };
    assert.equal(api.total, count);
    assert.equal(api.sets.length, 2);
    assert.deepEqual([api.byTone.bad, api.byTone.ok, api.byTone.none], [1, 1, count - 2]);
    const all = (await (await fetch(`${server.url}/api/v1/sets`, { headers: { cookie } })).json()) as { sets: Array<{ name: string }> };
    assert.equal(all.sets.length, count, 'no limit: every set');
    assert.deepEqual(api.sets.map((s) => s.name), all.sets.slice(1, 3).map((s) => s.name));
  } finally {
    await server.close();
    await app.close();
    ws.cleanup();
  }
});
