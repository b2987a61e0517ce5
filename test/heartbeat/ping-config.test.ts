import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../helpers/workspace.js';
import { withCleanups } from '../helpers/cleanups.js';

// `vigil config check` on heartbeat and ping keys, as a subprocess: each problem names the key,
// the value when it is not a secret, and what to write; a ping URL is never printed.

const cleanups = withCleanups();

function workspace(yaml: string): Workspace {
  const ws = new Workspace(`dataDir: ./var\n${yaml}`);
  cleanups.push(() => ws.cleanup());
  return ws;
}

test('errors: a URL that is not one (value not shown), every under 1s, an unknown protocol, an unset variable', { timeout: 60_000 }, async () => {
  const ws = workspace(`heartbeat: { url: "hc-ping.com/3f1c-secret-uuid", every: 500ms }
sets:
  db:
    engine: command
    command: ["true"]
    ping: { url: "https://hc-ping.com/9a0b-secret", protocol: pushover }
  web:
    engine: command
    command: ["true"]
    ping: { url: { env: WEB_PING_URL } }
`);
  const r = await ws.vigil(['config', 'check'], { env: { WEB_PING_URL: '' } });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const out = r.stdout + r.stderr;
  assert.match(out, /vigil\.yaml:2: heartbeat\.url: is not a URL .*https:\/\/hc-ping\.com\/<uuid>/);
  assert.match(out, /vigil\.yaml:2: heartbeat\.every: 500ms is shorter than 1s; write e\.g\. every: 5m/);
  assert.match(out, /vigil\.yaml:7: sets\.db\.ping\.protocol: "pushover" is not a ping protocol; write healthchecks or uptime-kuma/);
  assert.ok(!/3f1c-secret-uuid|9a0b-secret/.test(out), out);
});

test('http:// is accepted with a warning; a { env } URL is checked when read, without quoting it', { timeout: 60_000 }, async () => {
  const ws = workspace(`sets:
  db:
    engine: command
    command: ["true"]
    ping: { url: "http://kuma.lan:3001/api/push/tok-secret", protocol: uptime-kuma }
  web:
    engine: command
    command: ["true"]
    ping: { url: { env: WEB_PING_URL } }
`);
  const unset = await ws.vigil(['config', 'check'], { env: { WEB_PING_URL: '' } });
  assert.match(unset.stdout + unset.stderr, /sets\.web\.ping\.url: environment variable WEB_PING_URL is not set/);
  const r = await ws.vigil(['config', 'check'], { env: { WEB_PING_URL: 'ftp://hc.example/other-secret' } });
  const out = r.stdout + r.stderr;
  assert.match(out, /vigil\.yaml:6: warning: sets\.db\.ping\.url: is http:\/\/: .*trusted LAN/);
  assert.match(out, /sets\.web\.ping\.url: the URL read from the secret ftp: is not supported/);
  assert.ok(!/tok-secret|other-secret/.test(out), out);
});
