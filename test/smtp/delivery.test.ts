import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApp, type AppContext } from '../../src/app/context.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer, closedPort, startTarpit } from '../helpers/smtp-peer.js';
import { smtpConfig, TEST_PASSWORD } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { localhostCertificate } from '../helpers/certs.js';
import { withCleanups } from '../helpers/cleanups.js';

const env = { ...process.env, TEST_SMTP_PASS: TEST_PASSWORD };
const cleanups = withCleanups();

function app(yaml: string, clock = new FakeClock()): { app: AppContext; clock: FakeClock; ws: Workspace } {
  const ws = new Workspace(yaml);
  const context = openApp({ configFile: ws.configFile, clock, env, logLevel: 'error' });
  cleanups.push(async () => {
    await context.close();
    ws.cleanup();
  });
  return { app: context, clock, ws };
}

async function alert(context: AppContext, subject = 'documents failed') {
  return context.outbox.enqueue({
    kind: 'backup.failed',
    severity: 'critical',
    profile: 'office',
    from: 'Vigil <vigil@example.com>',
    to: ['ops@example.com'],
    subject,
    text: 'The backup of documents failed: vault unreachable.',
    html: '<p>The backup of <b>documents</b> failed.</p>',
  });
}

async function peer(options: ConstructorParameters<typeof SmtpPeer>[0] = {}): Promise<SmtpPeer> {
  const p = await SmtpPeer.start(options);
  cleanups.push(() => p.stop());
  return p;
}

describe('SMTP delivery against a real SMTP server', () => {
  for (const security of ['none', 'starttls', 'tls'] as const) {
    test(`security ${security} with AUTH delivers the rendered message once`, async () => {
      const server = await peer({ security, auth: { user: 'vigil', pass: TEST_PASSWORD } });
      const { app: context } = app(
        smtpConfig({ servers: [{ port: server.port, security, auth: true, tls: security === 'none' ? undefined : '{ allowSelfSigned: true }' }] }),
      );
      const { id } = await alert(context);
      const report = await context.dispatcher.runPass();
      assert.equal(report.sent, 1);
      assert.equal(server.received.length, 1);
      const got = server.received[0]!;
      assert.equal(got.user, 'vigil');
      assert.equal(got.secure, security !== 'none');
      assert.deepEqual(got.to, ['ops@example.com']);
      assert.equal(got.parsed.subject, 'documents failed');
      assert.equal(got.parsed.headers.get('auto-submitted'), 'auto-generated');
      assert.match(String(got.parsed.messageId), new RegExp(`^<${id}@vigil-test\\.example\\.com>$`));
      assert.match(got.parsed.text ?? '', /vault unreachable/);
      assert.match(String(got.parsed.html), /<b>documents<\/b>/);
      const stored = await context.store.outbox.get(id);
      assert.equal(stored?.state, 'sent');
      const [attempt] = await context.store.outbox.attempts(id);
      assert.equal(attempt?.outcome, 'accepted');
      assert.equal(attempt?.replyCode, 250);
      // The transcript is kept, and never holds the password in any encoding.
      assert.match(attempt!.transcript, /MAIL FROM/);
      assert.ok(!attempt!.transcript.includes(TEST_PASSWORD));
      assert.ok(!attempt!.transcript.includes(Buffer.from(`\u0000vigil\u0000${TEST_PASSWORD}`).toString('base64')));
    });
  }

  test('a CA given in tls.caFile is trusted, with tls.servername for the name', async () => {
    const server = await peer({ security: 'starttls' });
    const { cert } = await localhostCertificate();
    const ws = new Workspace();
    cleanups.push(() => ws.cleanup());
    const caFile = path.join(ws.dir, 'ca.pem');
    writeFileSync(caFile, cert);
    ws.write(smtpConfig({ servers: [{ port: server.port, security: 'starttls', tls: `{ caFile: ${caFile}, servername: localhost }` }] }));
    const again = openApp({ configFile: ws.configFile, clock: new FakeClock(), env, logLevel: 'error' });
    cleanups.push(() => again.close());
    await alert(again);
    assert.equal((await again.dispatcher.runPass()).sent, 1);
    assert.equal(server.received.length, 1);
  });

  test('an untrusted certificate is a TLS failure: profile paused, nothing sent', async () => {
    const server = await peer({ security: 'starttls' });
    const { app: context } = app(smtpConfig({ servers: [{ port: server.port, security: 'starttls' }] }));
    const { id } = await alert(context);
    const report = await context.dispatcher.runPass();
    assert.equal(report.deferred, 1);
    const [attempt] = await context.store.outbox.attempts(id);
    assert.equal(attempt?.outcome, 'credentials');
    assert.equal(attempt?.errorCode, 'ERR_SMTP_TLS');
    assert.equal(server.received.length, 0);
    const state = await context.store.profiles.get('office');
    assert.ok(state.pausedUntil !== null, 'profile is paused');
  });

  test('refused credentials pause the profile instead of burning retries', async () => {
    const server = await peer({ auth: { user: 'vigil', pass: 'another-password' } });
    const { app: context, clock } = app(smtpConfig({ servers: [{ port: server.port, auth: true }] }));
    const paused: string[] = [];
    context.events.on('delivery.paused', (e) => void paused.push(e.reason));
    const { id } = await alert(context);
    await context.dispatcher.runPass();
    const [attempt] = await context.store.outbox.attempts(id);
    assert.equal(attempt?.errorCode, 'ERR_SMTP_AUTH');
    assert.equal(attempt?.replyCode, 535);
    // A second pass soon after does not try again: the profile is paused.
    clock.advance(120_000);
    await alert(context, 'second alert');
    const second = await context.dispatcher.runPass();
    assert.equal(second.attempted, 0);
    assert.equal(server.authAttempts.length, 1);
    await context.events.drain();
    assert.equal(paused.length, 1);
  });

  test('server down → deferred; server back → delivered exactly once', async () => {
    const port = await closedPort();
    const { app: context, clock } = app(smtpConfig({ servers: [{ port }] }));
    const { id } = await alert(context);
    const first = await context.dispatcher.runPass();
    assert.equal(first.deferred, 1);
    let stored = await context.store.outbox.get(id);
    assert.equal(stored?.state, 'deferred');
    const [attempt] = await context.store.outbox.attempts(id);
    assert.equal(attempt?.errorCode, 'ERR_SMTP_CONNECT');
    // Not due yet: a pass now does nothing.
    assert.equal((await context.dispatcher.runPass()).attempted, 0);
    const server = await peer({ port });
    clock.advance(60_000); // minBackoff
    const second = await context.dispatcher.runPass();
    assert.equal(second.sent, 1);
    assert.equal((await context.dispatcher.runPass()).attempted, 0);
    stored = await context.store.outbox.get(id);
    assert.equal(stored?.state, 'sent');
    assert.equal(stored?.attempts, 2);
    assert.equal(server.received.length, 1);
  });

  test('a tarpit that never greets ends the attempt at the deadline as temporary', async () => {
    const tarpit = await startTarpit();
    cleanups.push(() => tarpit.close());
    const { app: context } = app(smtpConfig({ servers: [{ port: tarpit.port }], timeoutSeconds: 1 }));
    const { id } = await alert(context);
    const report = await context.dispatcher.runPass();
    assert.equal(report.deferred, 1);
    const [attempt] = await context.store.outbox.attempts(id);
    assert.equal(attempt?.outcome, 'temporary');
    assert.equal(attempt?.errorCode, 'ERR_SMTP_TIMEOUT');
    assert.match(attempt!.detail, /greeting|connecting/);
  });

  test('4xx then 2xx: deferred, then delivered', async () => {
    const server = await peer();
    server.inject({ at: 'RCPT', code: 451, text: '4.3.0 Mailbox temporarily unavailable', times: 1 });
    const { app: context, clock } = app(smtpConfig({ servers: [{ port: server.port }] }));
    const { id } = await alert(context);
    assert.equal((await context.dispatcher.runPass()).deferred, 1);
    const [first] = await context.store.outbox.attempts(id);
    assert.equal(first?.replyCode, 451);
    assert.equal(first?.errorCode, 'ERR_SMTP_DEFERRED');
    clock.advance(60_000);
    assert.equal((await context.dispatcher.runPass()).sent, 1);
    assert.equal(server.received.length, 1);
  });

  test('5xx for the message → failed, not retried', async () => {
    const server = await peer();
    server.inject({ at: 'DATA', code: 554, text: '5.6.0 Message content rejected' });
    const { app: context, clock } = app(smtpConfig({ servers: [{ port: server.port }] }));
    const { id } = await alert(context);
    assert.equal((await context.dispatcher.runPass()).failed, 1);
    clock.advance(3_600_000);
    assert.equal((await context.dispatcher.runPass()).attempted, 0);
    const stored = await context.store.outbox.get(id);
    assert.equal(stored?.state, 'failed');
    assert.match(stored?.lastError ?? '', /554/);
  });

  test('failover: the second server takes the message when the first is down', async () => {
    const down = await closedPort();
    const server = await peer();
    const { app: context } = app(smtpConfig({ servers: [{ port: down }, { port: server.port }] }));
    const { id } = await alert(context);
    assert.equal((await context.dispatcher.runPass()).sent, 1);
    assert.equal(server.received.length, 1);
    const [attempt] = await context.store.outbox.attempts(id);
    assert.equal(attempt?.server, `127.0.0.1:${server.port}`);
    assert.match(attempt!.transcript, new RegExp(`127\\.0\\.0\\.1:${down}`));
  });

  test('connection lost after DATA → ambiguous, retried with the same Message-ID and flagged', async () => {
    const server = await peer({ dropAfterData: 1 });
    const { app: context, clock } = app(smtpConfig({ servers: [{ port: server.port }] }));
    const { id } = await alert(context);
    assert.equal((await context.dispatcher.runPass()).deferred, 1);
    const [first] = await context.store.outbox.attempts(id);
    assert.equal(first?.outcome, 'ambiguous');
    clock.advance(60_000);
    assert.equal((await context.dispatcher.runPass()).sent, 1);
    const stored = await context.store.outbox.get(id);
    assert.equal(stored?.possibleDuplicate, true);
    assert.equal(server.received.length, 2);
    assert.equal(server.received[0]!.parsed.messageId, server.received[1]!.parsed.messageId);
    assert.deepEqual(server.received[0]!.raw, server.received[1]!.raw);
  });

  test('header injection is refused at enqueue and nothing is stored', async () => {
    const { app: context } = app(smtpConfig({ servers: [{ port: 25 }] }));
    await assert.rejects(alert(context, 'ok\r\nBcc: victim@example.com'), { code: 'ERR_HEADER_INJECTION' });
    await assert.rejects(
      context.outbox.enqueue({ kind: 'x', severity: 'info', profile: 'office', from: 'a@example.com', to: ['b@example.com\n'], subject: 's', text: 't' }),
      { code: 'ERR_HEADER_INJECTION' },
    );
    await assert.rejects(
      context.outbox.enqueue({ kind: 'x', severity: 'info', profile: 'office', from: 'a@example.com', to: ['not an address'], subject: 's', text: 't' }),
      { code: 'ERR_ADDRESS_INVALID' },
    );
    await assert.rejects(context.outbox.enqueue({ kind: 'x', severity: 'info', profile: 'office', from: 'a@example.com', to: [], subject: 's', text: 't' }), {
      code: 'ERR_RECIPIENTS_EMPTY',
    });
    assert.deepEqual(await context.store.outbox.list({}), []);
  });

  test('critical messages are delivered before older normal ones', async () => {
    const server = await peer();
    const { app: context } = app(smtpConfig({ servers: [{ port: server.port }], concurrency: 1 }));
    for (let i = 0; i < 3; i++) {
      await context.outbox.enqueue({ kind: 'summary.daily', severity: 'info', profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: `summary ${i}`, text: '.' });
    }
    await alert(context, 'CRITICAL');
    await context.dispatcher.runPass();
    assert.equal(server.received[0]?.parsed.subject, 'CRITICAL');
  });
});
