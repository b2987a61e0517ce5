import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from '../../src/app/context.js';
import { PRIORITY } from '../../src/domain/message.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Workspace } from '../helpers/workspace.js';
import { CloudPeer } from './cloud-peer.js';
import { GRAPH_SECRET, graphConfig, oauthEnv } from './helpers.js';

// Item 11 for Graph: a profile paused because the token endpoint refused the client secret, with
// a critical alert waiting, is broken delivery — `vigil mail doctor` says so and exits 1.

let cloud: CloudPeer;
let ws: Workspace;
before(async () => {
  cloud = await CloudPeer.start();
  cloud.apps.push({ tenant: 'contoso.onmicrosoft.com', clientId: 'app-graph', secret: 'a-rotated-secret-value' });
  ws = new Workspace(graphConfig(cloud).replace('maxBackoff: 10m', 'maxBackoff: 1h').replace('  admins: [admins]\n', '  admins: [admins]\n  escalateAfter: 1m\n'));
});
after(async () => {
  ws.cleanup();
  await cloud.stop();
});

test('Graph profile paused for a refused client secret, critical alert waiting: DL010, DL020, DL030 with hints, exit 1', async () => {
  const app = openApp({ configFile: ws.configFile, clock: new FakeClock(Date.now() - 2 * 60_000), env: oauthEnv, logLevel: 'error' });
  try {
    await app.outbox.enqueueMany([{ kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'm365', from: 'Vigil <backup@contoso.com>', to: ['ops@example.com'], subject: 'documents failed', text: 'x' }]);
    await app.dispatcher.runPass();
  } finally {
    await app.close();
  }
  const result = await ws.vigil(['mail', 'doctor'], { env: oauthEnv });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /DL001 ok +active profile "m365": graph, through 127\.0\.0\.1:\d+/);
  assert.match(result.stdout, /DL010 problem profile "m365" is paused until .*AADSTS7000215/);
  assert.match(result.stdout, /DL020 problem 1 critical message\(s\) undelivered .*"documents failed"/);
  assert.match(result.stdout, /DL030 problem 127\.0\.0\.1:\d+ \(profile m365\): last attempt .* credentials ERR_OAUTH_TOKEN/);
  assert.match(result.stdout, /hint: The client secret is wrong/);
  assert.ok(!result.stdout.includes(GRAPH_SECRET));
});
