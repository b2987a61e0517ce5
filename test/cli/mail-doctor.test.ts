import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApp } from '../../src/app/context.js';
import { PRIORITY } from '../../src/domain/message.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig, TEST_PASSWORD } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { withCleanups } from '../helpers/cleanups.js';

// Item 11: `vigil mail doctor` looked only at mail clients: it exited 0 while the active SMTP
// profile was paused and critical alerts were stuck. It now covers every method: paused state and
// why, stuck critical messages, the last outcome per server, exit 1 when delivery is broken.

const MIN = 60_000;
const cleanups = withCleanups();
// An account with no mail-client configuration: the mail-client checks must not decide for SMTP.
const home = mkdtempSync(path.join(tmpdir(), 'vigil-doctor-home-'));
cleanups.push(() => rmSync(home, { recursive: true, force: true }));
const env = { TEST_SMTP_PASS: TEST_PASSWORD, HOME: home };

async function peer(options: ConstructorParameters<typeof SmtpPeer>[0] = {}): Promise<SmtpPeer> {
  const p = await SmtpPeer.start(options);
  cleanups.push(() => p.stop());
  return p;
}

function workspace(yaml: string): Workspace {
  const ws = new Workspace(yaml);
  cleanups.push(() => ws.cleanup());
  return ws;
}

/** A critical alert, enqueued 20 minutes ago and tried once against the server. */
async function criticalAlertTried(ws: Workspace): Promise<string> {
  const app = openApp({ configFile: ws.configFile, clock: new FakeClock(Date.now() - 20 * MIN), env, logLevel: 'error' });
  try {
    const [queued] = await app.outbox.enqueueMany([
      { kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'x' },
    ]);
    await app.dispatcher.runPass();
    const state = await app.store.profiles.get('office');
    // The dispatcher paused it on the fake clock (20 min ago); keep it paused on the real one.
    if (state.pauseReason) await app.store.profiles.pause('office', Date.now() + 60 * MIN, state.pauseReason);
    return queued!.id;
  } finally {
    await app.close();
  }
}

test('SMTP profile paused with a critical alert stuck: each problem with a stable id and a hint, exit 1', async () => {
  const server = await peer({ auth: { user: 'vigil', pass: 'not-the-password' } });
  const ws = workspace(smtpConfig({ servers: [{ port: server.port, auth: true }] }));
  await criticalAlertTried(ws);

  const result = await ws.vigil(['mail', 'doctor'], { env });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const out = result.stdout;
  assert.match(out, /DL001 ok +active profile "office": smtp, servers 127\.0\.0\.1:\d+/);
  assert.match(out, /DL010 problem profile "office" is paused until \d{4}-\d\d-\d\d \d\d:\d\d UTC: the server refused authentication: 535/);
  assert.match(out, /DL020 problem 1 critical message\(s\) undelivered after notification\.escalateAfter, the oldest "documents failed" since \d{4}-/);
  assert.match(out, /DL030 problem 127\.0\.0\.1:\d+ \(profile office\): last attempt .* credentials ERR_SMTP_AUTH: the server refused authentication/);
  assert.match(out, /hint: .*auth\.user/, 'the hint of the credentials refusal');
  assert.match(out, /hint: .*vigil mail test/, 'how to resume the profile');
  assert.doesNotMatch(out, /MC0\d\d problem/, 'the mail-client checks do not speak for an SMTP profile');
  assert.ok(!out.includes('not-the-password') && !out.includes(TEST_PASSWORD));

  const json = await ws.vigil(['mail', 'doctor', '--json'], { env });
  assert.equal(json.code, 1);
  const ids = (JSON.parse(json.stdout) as Array<{ id: string; status: string; hint?: string }>).filter((c) => c.status === 'problem');
  assert.deepEqual(ids.map((c) => c.id).sort(), ['DL010', 'DL020', 'DL030']);
  assert.ok(ids.every((c) => c.hint), 'a hint per problem');
});

test('SMTP profile that delivers: last outcome accepted, exit 0', async () => {
  const server = await peer({ auth: { user: 'vigil', pass: TEST_PASSWORD } });
  const ws = workspace(smtpConfig({ servers: [{ port: server.port, auth: true }] }));
  await criticalAlertTried(ws);
  assert.equal(server.received.length, 1);

  const result = await ws.vigil(['mail', 'doctor'], { env });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /DL010 ok +profile "office" is not paused/);
  assert.match(result.stdout, /DL020 ok +no critical message waiting/);
  assert.match(result.stdout, /DL030 ok +127\.0\.0\.1:\d+ \(profile office\): last attempt .* accepted/);
});

test('a server never tried yet is said so, not counted as broken', async () => {
  const server = await peer();
  const ws = workspace(smtpConfig({ servers: [{ port: server.port }] }));
  const result = await ws.vigil(['mail', 'doctor'], { env });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /DL030 info +127\.0\.0\.1:\d+ \(profile office\): no attempt yet; `vigil mail test` tries it/);
});

test('client profile: a critical alert still in the local MTA queue past escalateAfter is undelivered (DL020), exit 1', async () => {
  const ws = workspace(`dataDir: ./var
mail:
  profile: local
  usingSpooler: true
  clientsSupported: [postfix]
profiles:
  local:
    method: client
    from: vigil@example.com
    addressBook: { admins: [ops@example.com] }
notification:
  admins: [admins]
`);
  const clock = new FakeClock(Date.now() - 20 * MIN);
  const app = openApp({ configFile: ws.configFile, clock, env, logLevel: 'error' });
  try {
    const [queued] = await app.outbox.enqueueMany([
      { kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'local', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'x' },
    ]);
    const id = queued!.id;
    const message = await app.store.outbox.claimById(id, clock.now(), MIN, 'test');
    // What the mail-client transport records when Postfix's sendmail takes the message.
    await app.store.handOffs.record({ outboxId: id, messageId: message!.messageId, client: 'postfix', program: '/usr/sbin/sendmail', queueListing: 'postqueue-json', sender: 'vigil@example.com', recipients: ['ops@example.com'], handedAt: clock.now() });
    const outcome = { kind: 'queued-locally' as const, detail: 'handed to postfix: in its local queue, not delivered yet', transcript: '', server: 'postfix' };
    await app.store.outbox.complete([{ attempt: { messageId: id, startedAt: clock.now(), durationMs: 5, transport: 'client', outcome }, state: 'queued-locally', nextAttemptAt: clock.now(), possibleDuplicate: false, owner: 'test' }], clock.now());
    await app.store.handOffs.update(id, { lastCheckedAt: clock.now(), lastSeenAt: clock.now(), lastReason: 'connect to relay.example.com[192.0.2.1]:25: Connection refused' });
  } finally {
    await app.close();
  }
  const result = await ws.vigil(['mail', 'doctor'], { env });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /DL020 problem 1 critical message\(s\) undelivered .*"documents failed" .*still in the local postfix queue: connect to relay\.example\.com/);
});
