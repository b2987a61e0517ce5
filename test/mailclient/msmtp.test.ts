import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { MailClientTransport } from '../../src/transports/mailclient/mail-client-transport.js';
import { ChildProcessRunner } from '../../src/transports/mailclient/program-runner.js';
import { ProgramLocks } from '../../src/transports/mailclient/program-locks.js';
import { mailClientFor } from '../../src/transports/mailclient/selection.js';
import { fixedClock, fixedSource, startSmtp, testMessage, type TestSmtp } from './helpers.js';

// msmtp configured the way docs/mail-clients.md tells users to: ~/.msmtprc of the service's
// account (HOME points at a directory of this test), relaying to a real SMTP server.
let home: string;
const servers: TestSmtp[] = [];

before(() => {
  home = mkdtempSync(path.join(tmpdir(), 'vigil-msmtp-'));
});
after(async () => {
  rmSync(home, { recursive: true, force: true });
  await Promise.all(servers.map((s) => s.close()));
});

function configure(port: number): void {
  writeFileSync(
    path.join(home, '.msmtprc'),
    ['defaults', 'auth off', 'tls off', 'timeout 10', '', 'account default', 'host 127.0.0.1', `port ${port}`, 'from vigil@example.test', ''].join('\n'),
    { mode: 0o600 },
  );
}

function msmtp() {
  return new MailClientTransport({
    source: fixedSource([mailClientFor('msmtp', '/usr/bin/msmtp')]),
    runner: new ChildProcessRunner(),
    locks: new ProgramLocks(),
    clock: fixedClock,
    timeoutMs: 20_000,
    graceMs: 2_000,
    account: { HOME: home, USER: 'vigil' },
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('msmtp relaying to a real server: accepted, byte for byte, lone dot intact', async () => {
  const smtp = await startSmtp();
  servers.push(smtp);
  configure(smtp.port);
  const message = testMessage({ to: ['ops@example.test', 'alice@example.test'] });
  const outcome = await msmtp().send(message, new AbortController().signal);
  assert.equal(outcome.kind, 'accepted', `${outcome.detail}\n${outcome.transcript}`);
  assert.equal(smtp.received.length, 1);
  assert.equal(smtp.received[0]?.messageId, message.messageId);
  assert.match(smtp.received[0]?.text ?? '', /\n\.\nA lone dot above must not end the message/);
  assert.deepEqual(smtp.envelopes[0], { from: 'vigil@example.test', to: ['ops@example.test', 'alice@example.test'] });
});

test('msmtp with its relay down: temporary (the dispatcher retries)', async () => {
  configure(await freePort());
  const outcome = await msmtp().send(testMessage(), new AbortController().signal);
  assert.equal(outcome.kind, 'temporary', outcome.detail);
  assert.match(outcome.detail, /exited 75/);
});

test('msmtp, relay answering 5xx to the recipient: permanent, with the reply', async () => {
  const smtp = await startSmtp({ rcpt: [550, 'No such user here'] });
  servers.push(smtp);
  configure(smtp.port);
  const outcome = await msmtp().send(testMessage(), new AbortController().signal);
  assert.equal(outcome.kind, 'permanent', `${outcome.detail}\n${outcome.transcript}`);
  assert.equal(outcome.reply?.code, 550);
});

test('msmtp, relay answering 4xx after DATA (same exit code as a 5xx): temporary, read from its server message', async () => {
  const smtp = await startSmtp({ data: [451, 'Try again later'] });
  servers.push(smtp);
  configure(smtp.port);
  const outcome = await msmtp().send(testMessage(), new AbortController().signal);
  assert.equal(outcome.kind, 'temporary', `${outcome.detail}\n${outcome.transcript}`);
  assert.equal(outcome.reply?.code, 451);
});

test('msmtp, relay answering 5xx after DATA: permanent', async () => {
  const smtp = await startSmtp({ data: [554, 'Message rejected'] });
  servers.push(smtp);
  configure(smtp.port);
  const outcome = await msmtp().send(testMessage(), new AbortController().signal);
  assert.equal(outcome.kind, 'permanent', `${outcome.detail}\n${outcome.transcript}`);
  assert.equal(outcome.reply?.code, 554);
});

test('msmtp without any configuration for the account: a configuration outcome, not a hang', async () => {
  rmSync(path.join(home, '.msmtprc'), { force: true });
  const outcome = await msmtp().send(testMessage(), new AbortController().signal);
  assert.equal(outcome.kind, 'credentials', `${outcome.detail}\n${outcome.transcript}`);
});
