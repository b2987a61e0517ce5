import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Workspace, type CliResult } from '../helpers/workspace.js';
import { smtpConfig, TEST_PASSWORD } from '../helpers/smtp-config.js';
import { CloudPeer } from './cloud-peer.js';
import { GRAPH_SECRET, graphConfig, oauthEnv } from './helpers.js';
import { withCleanups } from '../helpers/cleanups.js';

let cloud: CloudPeer;
const cleanups = withCleanups();
before(async () => {
  cloud = await CloudPeer.start();
  cleanups.push(() => cloud.stop());
  cloud.apps.push({ tenant: 'contoso.onmicrosoft.com', clientId: 'app-graph', secret: GRAPH_SECRET });
  cloud.apps.push({ tenant: 'contoso.onmicrosoft.com', clientId: 'app-rotated', secret: 'a-newer-secret-value' });
});

function workspace(yaml: string): Workspace {
  const ws = new Workspace(yaml);
  cleanups.push(() => ws.cleanup());
  return ws;
}

/** The secret and every token the cloud ever issued appear nowhere in what the CLI printed. */
function assertNoSecrets(result: CliResult): void {
  const all = result.stdout + result.stderr;
  assert.ok(!all.includes(GRAPH_SECRET), 'client secret printed');
  for (const token of cloud.issued) assert.ok(!all.includes(token), 'access token printed');
}

test('vigil mail test over Graph: accepted by Exchange, exit 0; -v shows the exchange without token or secret', async () => {
  const ws = workspace(graphConfig(cloud));
  const result = await ws.vigil(['mail', 'test', '-v'], { env: oauthEnv });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /✓ accepted by Exchange for mailbox backup@contoso\.com \(Graph sendMail 202\); delivery to the recipients is not confirmed/);
  assert.match(result.stdout, /POST https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/backup%40contoso\.com\/sendMail/);
  assert.ok(cloud.sendMail.length >= 1);
  assertNoSecrets(result);
  const id = /message (\S+)/.exec(result.stdout)?.[1];
  assert.ok(id, result.stdout);
  const shown = await ws.vigil(['outbox', 'show', id, '--json'], { env: oauthEnv });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /accepted by Exchange/);
  assertNoSecrets(shown);
});

test('vigil mail test explains a refused client secret in plain words (exit 1), and never prints it', async () => {
  const ws = workspace(graphConfig(cloud, { clientId: 'app-rotated' }));
  const result = await ws.vigil(['mail', 'test', '-v'], { env: oauthEnv });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /✗ credentials: no access token from Microsoft token endpoint .* AADSTS7000215: Invalid client secret provided/);
  assert.match(result.stderr, /hint: The client secret is wrong\. Use the secret’s Value/);
  assertNoSecrets(result);
});

test('vigil mail test on a password profile refused with 535 5.7.139 says basic authentication is disabled', async () => {
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, callback) => callback(Object.assign(new Error('5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN0PR04CA0001.namprd04.prod.outlook.com]'), { responseCode: 535 })),
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = ((server as unknown as { server: net.Server }).server.address() as net.AddressInfo).port;
  const ws = workspace(smtpConfig({ servers: [{ port, auth: true }] }));
  const result = await ws.vigil(['mail', 'test'], { env: { TEST_SMTP_PASS: TEST_PASSWORD } });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /reply: 535 5\.7\.139/);
  assert.match(result.stderr, /hint: Basic authentication \(a password\) is disabled for SMTP in this tenant\. Use OAuth2: auth\.oauth2 \(XOAUTH2\) or method: graph — see docs\/microsoft-365\.md/);
  assert.ok(!result.stderr.includes(TEST_PASSWORD));
});

test('vigil config check: a secret expiring within 14 days is a warning naming the key; an unset secret is an error', async () => {
  const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  const ws = workspace(graphConfig(cloud, { secretExpires: soon }));
  const ok = await ws.vigil(['config', 'check'], { env: oauthEnv });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`vigil\\.yaml:\\d+: warning: profiles\\.m365\\.secretExpires: client secret of app app-graph \\(tenant contoso\\.onmicrosoft\\.com\\) of profile m365 expires on ${soon} \\(in [45] day\\(s\\)\\)`));
  const later = workspace(graphConfig(cloud, { secretExpires: '2099-01-01' }));
  assert.doesNotMatch((await later.vigil(['config', 'check'], { env: oauthEnv })).stdout, /secretExpires/);
  const unset = await ws.vigil(['config', 'check'], { env: { TEST_GRAPH_SECRET: '' } });
  assert.equal(unset.code, 2);
  assert.match(unset.stderr, /profiles\.m365\.clientSecret: environment variable TEST_GRAPH_SECRET is not set/);
});
