import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpPeer } from '../helpers/http-peer.js';
import { Workspace } from '../helpers/workspace.js';
import { HOST } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A vigil.yaml with channels and no Mail Profile at all: no `profiles:`, no `mail.profile`. */
function pushOnlyWorkspace(ntfyUrl: string, sets: string): Workspace {
  return new Workspace(`dataDir: ./var
hostname: ${HOST}
channels:
  phone: { type: ntfy, url: "${ntfyUrl}", allowInsecure: true }
notification:
  admins: [phone]
  pager: [phone]
  stormWindow: 0s
sets:
${sets}`);
}

test('push only, no Mail Profile: a failing `vigil run` (no service) delivers its alert to the ntfy channel before exiting', async () => {
  const ntfy = await HttpPeer.start(() => ({ status: 200, body: '{"id":"x1","event":"message"}' }));
  cleanups.push(() => ntfy.stop());
  const ws = pushOnlyWorkspace(ntfy.url('/acme-backups'), '  database: { engine: command, command: [/bin/false] }\n');
  cleanups.push(() => ws.cleanup());

  const check = await ws.vigil(['config', 'check']);
  assert.equal(check.code, 0, check.stdout + check.stderr);

  const run = await ws.vigil(['run', 'database', '--wait', '30s']);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.doesNotMatch(run.stdout + run.stderr, /no mail profile to notify with/);
  assert.equal(ntfy.received.length, 1, `the ntfy peer got the alert (output: ${run.stdout}${run.stderr})`);
  const [alert] = ntfy.received;
  assert.equal(alert!.method, 'POST');
  assert.equal(alert!.url, '/acme-backups');
  assert.match(String(alert!.headers.title), /database/);
  assert.equal(alert!.headers.priority, '5', 'a failed run is critical');
});
