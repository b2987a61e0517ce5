import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpTransport, type SmtpTarget } from '../../src/transports/smtp/smtp-transport.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig, TEST_PASSWORD } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import type { OutgoingMessage } from '../../src/domain/message.js';
import { withCleanups } from '../helpers/cleanups.js';

// Item 17: with `security: none` and `auth`, the password crossed the network in clear — even
// when the server offered STARTTLS and would only take AUTH after it. Vigil now refuses to send
// credentials over an unencrypted connection unless the server entry says allowPlaintextAuth.

const cleanups = withCleanups();

async function peer(options: ConstructorParameters<typeof SmtpPeer>[0]): Promise<SmtpPeer> {
  const p = await SmtpPeer.start(options);
  cleanups.push(() => p.stop());
  return p;
}

function transport(port: number, extra: Partial<SmtpTarget> = {}, withAuth = true): SmtpTransport {
  const t = new SmtpTransport({
    host: '127.0.0.1',
    port,
    security: 'none',
    rejectUnauthorized: true,
    clientName: 'vigil-test.example.com',
    timeoutMs: 5000,
    maxConnections: 1,
    ...(withAuth ? { auth: async () => ({ user: 'vigil', pass: TEST_PASSWORD }) } : {}),
    redact: (text) => text.split(TEST_PASSWORD).join('***'),
    ...extra,
  });
  cleanups.push(() => t.close());
  return t;
}

const message: OutgoingMessage = {
  id: 'm1',
  messageId: '<m1@vigil-test.example.com>',
  profile: 'office',
  createdAt: 0,
  envelope: { from: 'vigil@example.com', to: ['ops@example.com'] },
  raw: Buffer.from('From: vigil@example.com\r\nTo: ops@example.com\r\nSubject: test\r\n\r\nhello\r\n'),
};

describe('plaintext AUTH is refused unless allowed (security: none)', () => {
  const servers = [
    { name: 'offers STARTTLS and AUTH only after it', options: { offerStartTls: true, auth: { user: 'vigil', pass: TEST_PASSWORD } }, startTls: true },
    { name: 'offers STARTTLS and no AUTH', options: { offerStartTls: true }, startTls: true },
    { name: 'offers AUTH in clear, no STARTTLS', options: { auth: { user: 'vigil', pass: TEST_PASSWORD } }, startTls: false },
    { name: 'offers neither', options: {}, startTls: false },
  ];
  for (const server of servers) {
    test(`server ${server.name}: the password never reaches it, the attempt says why`, async () => {
      const smtp = await peer(server.options);
      const outcome = await transport(smtp.port).send(message, new AbortController().signal);
      assert.equal(smtp.sawOnWire(TEST_PASSWORD, 'vigil'), false, 'the password crossed the wire');
      assert.equal(smtp.authAttempts.length, 0);
      assert.equal(smtp.received.length, 0);
      assert.equal(outcome.kind, 'credentials');
      assert.equal(outcome.errorCode, 'ERR_SMTP_PLAINTEXT_AUTH');
      assert.match(outcome.detail, /allowPlaintextAuth: true/);
      assert.match(outcome.detail, server.startTls ? /offers STARTTLS: set security: starttls/ : /security: starttls or tls/);
      assert.ok(!outcome.detail.includes(TEST_PASSWORD) && !outcome.transcript.includes(TEST_PASSWORD));
    });
  }

  test('allowPlaintextAuth: true sends the password in clear, as asked, and delivers', async () => {
    const smtp = await peer({ auth: { user: 'vigil', pass: TEST_PASSWORD } });
    const outcome = await transport(smtp.port, { allowPlaintextAuth: true }).send(message, new AbortController().signal);
    assert.equal(outcome.kind, 'accepted');
    assert.equal(smtp.received.length, 1);
    assert.equal(smtp.received[0]?.user, 'vigil');
    assert.equal(smtp.sawOnWire(TEST_PASSWORD, 'vigil'), true, 'the test can see a password in clear');
  });

  test('without auth, security: none still delivers (nothing secret to protect)', async () => {
    const smtp = await peer({});
    const outcome = await transport(smtp.port, {}, false).send(message, new AbortController().signal);
    assert.equal(outcome.kind, 'accepted');
  });
});

describe('config check: security none with auth', () => {
  test('is an error naming the key and the way out; allowPlaintextAuth: true makes it pass', async () => {
    const ws = new Workspace(smtpConfig({ servers: [{ port: 2525, auth: true }] }).replace('        allowPlaintextAuth: true\n', ''));
    cleanups.push(() => ws.cleanup());
    const env = { TEST_SMTP_PASS: TEST_PASSWORD };
    const refused = await ws.vigil(['config', 'check'], { env });
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, /vigil\.yaml:\d+: profiles\.office\.servers\.0\.auth: .*unencrypted.*allowPlaintextAuth: true/);
    ws.write(smtpConfig({ servers: [{ port: 2525, auth: true }] }));
    const allowed = await ws.vigil(['config', 'check'], { env });
    assert.doesNotMatch(allowed.stdout + allowed.stderr, /profiles\.office\.servers\.0\.auth/);
  });
});
