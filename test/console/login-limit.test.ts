import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { consoleFixture, CONSOLE_PASSWORD, READ_TOKEN, type ConsoleFixture } from './fixture.js';

let f: ConsoleFixture | undefined;
after(async () => {
  await f?.close();
});

const attempt = (url: string, password: string) => fetch(`${url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'admin', password }) });

test('five wrong passwords lock the login for a while: the right one is then refused too (429 with Retry-After)', async () => {
  f = await consoleFixture();
  const url = f.server.url;
  for (let i = 1; i <= 5; i++) assert.equal((await attempt(url, `wrong-${i}`)).status, 401, `wrong password ${i}`);
  const locked = await attempt(url, CONSOLE_PASSWORD);
  assert.equal(locked.status, 429);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  // Bearer tokens from the same address are limited alike: guessing tokens is guessing passwords.
  assert.equal((await fetch(`${url}/api/v1/sets`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).status, 429);
});
