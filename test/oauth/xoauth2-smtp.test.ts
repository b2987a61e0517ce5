import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { openApp, type AppContext } from '../../src/app/context.js';
import { deliveryHint } from '../../src/transports/hints.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Workspace } from '../helpers/workspace.js';
import { CloudPeer } from './cloud-peer.js';
import { SMTP_APP_SECRET, oauthEnv, xoauth2Config } from './helpers.js';
import { withCleanups } from '../helpers/cleanups.js';

/** How the server treats a token it does not accept: Google's 334 challenge, or Exchange's 535. */
type Refusal = '334' | '535';

/**
 * smtp-server offering only XOAUTH2. It accepts tokens the test cloud issued (and not revoked),
 * and records every byte the client sends, to check the SASL string exactly.
 */
class XOAuth2Server {
  readonly clientBytes: string[] = [];
  readonly received: string[] = [];
  refusal: Refusal = '334';
  /** Tokens refused even though issued (SMTP.SendAsApp missing, say). */
  refuseAll = false;
  port = 0;
  private server!: SMTPServer;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly cloud: CloudPeer) {}

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authMethods: ['XOAUTH2'],
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        const ok = auth.method === 'XOAUTH2' && auth.username === 'backup@contoso.com' && this.cloud.validTokens.has(auth.accessToken ?? '') && !this.refuseAll;
        if (ok) return callback(null, { user: auth.username });
        if (this.refusal === '535') return callback(Object.assign(new Error('5.7.3 Authentication unsuccessful [SN4PR0601CA0001.namprd06.prod.outlook.com]'), { responseCode: 535 }));
        callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' } });
      },
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push(Buffer.concat(chunks).toString());
          callback();
        });
      },
    });
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const inner = (this.server as unknown as { server: net.Server }).server;
    this.port = (inner.address() as net.AddressInfo).port;
    inner.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('data', (d: Buffer) => this.clientBytes.push(d.toString()));
    });
  }

  /** Hangs up on every client (as servers do with idle sessions): the next message logs in anew. */
  async dropConnections(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  authLines(): string[] {
    return this.clientBytes.join('').split('\r\n').filter((l) => l.startsWith('AUTH'));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let cloud: CloudPeer;
const cleanups = withCleanups();
before(async () => {
  cloud = await CloudPeer.start();
  cleanups.push(() => cloud.stop());
  cloud.apps.push({ tenant: 'contoso.onmicrosoft.com', clientId: 'app-smtp', secret: SMTP_APP_SECRET });
});

async function setup(): Promise<{ server: XOAuth2Server; context: AppContext; clock: FakeClock }> {
  const server = new XOAuth2Server(cloud);
  await server.start();
  const ws = new Workspace(xoauth2Config(cloud, server.port));
  const clock = new FakeClock(Date.now());
  const context = openApp({ configFile: ws.configFile, clock, env: oauthEnv, logLevel: 'error' });
  cleanups.push(async () => {
    await context.close();
    await server.stop();
    ws.cleanup();
  });
  return { server, context, clock };
}

const alert = (context: AppContext, subject = 'documents failed') =>
  context.outbox.enqueue({ kind: 'backup.failed', severity: 'critical', profile: 'office', from: 'Vigil <backup@contoso.com>', to: ['ops@example.com'], subject, text: 'x' });

function assertNoSecrets(text: string): void {
  assert.ok(!text.includes(SMTP_APP_SECRET));
  for (const token of cloud.issued) {
    assert.ok(!text.includes(token), 'no token in what is stored');
    assert.ok(!text.includes(Buffer.from(`user=backup@contoso.com\u0001auth=Bearer ${token}\u0001\u0001`).toString('base64')), 'no SASL string either');
  }
}

test('the exact SASL XOAUTH2 string: base64 of user=…^Aauth=Bearer <token>^A^A; the message is delivered', async () => {
  const { server, context } = await setup();
  const { id } = await alert(context);
  assert.equal((await context.dispatcher.runPass()).sent, 1);
  assert.equal(server.received.length, 1);
  const token = cloud.issued.at(-1)!;
  assert.deepEqual(server.authLines(), [`AUTH XOAUTH2 ${Buffer.from(`user=backup@contoso.com\u0001auth=Bearer ${token}\u0001\u0001`).toString('base64')}`]);
  assert.equal(cloud.tokenRequests.at(-1)!.form.scope, 'https://outlook.office365.com/.default');
  const [attempt] = await context.store.outbox.attempts(id);
  assert.match(attempt!.transcript, /AUTH XOAUTH2/);
  assertNoSecrets(JSON.stringify(await context.store.outbox.attempts(id)));
});

for (const refusal of ['334', '535'] as const) {
  test(`a refused token (${refusal}) is refetched once; refused again → credentials, profile paused, SendAsApp hint`, async () => {
    const { server, context } = await setup();
    server.refusal = refusal;
    server.refuseAll = true;
    const tokensBefore = cloud.issued.length;
    const { id } = await alert(context);
    assert.equal((await context.dispatcher.runPass()).deferred, 1);
    assert.equal(cloud.issued.length - tokensBefore, 2, 'the first token and one refetch');
    const auths = server.authLines();
    assert.equal(auths.length, 2);
    assert.notEqual(auths[0], auths[1], 'the second login used the new token');
    const [attempt] = await context.store.outbox.attempts(id);
    assert.equal(attempt!.outcome, 'credentials');
    assert.equal(attempt!.errorCode, 'ERR_SMTP_AUTH');
    assert.equal(attempt!.replyCode, 535);
    assert.match(attempt!.detail, /OAuth2 access token \(XOAUTH2\)/);
    assert.ok((await context.store.profiles.get('office')).pausedUntil !== null);
    const outcome = { kind: 'credentials' as const, errorCode: 'ERR_SMTP_AUTH' as const, detail: attempt!.detail, transcript: '' };
    assert.match(deliveryHint(outcome) ?? '', /SMTP\.SendAsApp.*New-ServicePrincipal.*Add-MailboxPermission/s);
    assertNoSecrets(JSON.stringify(await context.store.outbox.attempts(id)));
  });
}

test('a cached token refused on a new connection (revoked early) is cured by one refetch: delivered', async () => {
  const { server, context } = await setup();
  server.refusal = '535';
  await alert(context);
  assert.equal((await context.dispatcher.runPass()).sent, 1);
  await server.dropConnections();
  for (const t of cloud.issued) cloud.validTokens.delete(t); // revoked, though not expired
  const tokensBefore = cloud.issued.length;
  await alert(context, 'second');
  assert.equal((await context.dispatcher.runPass()).sent, 1);
  assert.equal(server.received.length, 2);
  assert.equal(cloud.issued.length - tokensBefore, 1, 'exactly one refetch');
  assert.equal(server.authLines().length, 3, 'first login; then refused, refetched, accepted');
});

test('one token serves new connections until its refresh time (fake clock), then a new one is fetched', async () => {
  const { server, context, clock } = await setup();
  const tokensBefore = cloud.issued.length;
  await alert(context);
  await context.dispatcher.runPass();
  await server.dropConnections();
  clock.advance(50 * 60_000);
  await alert(context, 'two');
  assert.equal((await context.dispatcher.runPass()).sent, 1);
  assert.equal(cloud.issued.length - tokensBefore, 1, 'one token for both logins');
  await server.dropConnections();
  clock.advance(5 * 60_000); // 55 min into a 60 min token
  await alert(context, 'three');
  assert.equal((await context.dispatcher.runPass()).sent, 1);
  assert.equal(cloud.issued.length - tokensBefore, 2, 'refreshed before expiry');
  const logins = server.authLines();
  assert.equal(logins.length, 3);
  assert.equal(logins[0], logins[1]);
  assert.notEqual(logins[1], logins[2]);
});
