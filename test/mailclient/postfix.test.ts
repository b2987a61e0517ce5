import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import type { Store } from '../../src/storage/ports/store.js';
import { MailClientTransport } from '../../src/transports/mailclient/mail-client-transport.js';
import { ChildProcessRunner } from '../../src/transports/mailclient/program-runner.js';
import { ProgramLocks } from '../../src/transports/mailclient/program-locks.js';
import { Detector } from '../../src/transports/mailclient/detect.js';
import { DetectedClientSource, mailClientFor } from '../../src/transports/mailclient/selection.js';
import { MtaQueueReader } from '../../src/transports/mailclient/mta-queue-reader.js';
import { MtaQueueWatch } from '../../src/transports/mailclient/mta-queue-watch.js';
import type { OutgoingMessage } from '../../src/domain/message.js';
import { eventually, fixedSource, startSmtp, testMessage, type TestSmtp } from './helpers.js';
import { PostfixInstance } from './postfix-instance.js';

const runner = new ChildProcessRunner();
const HOUR = 3_600_000;
let smtp: TestSmtp;
let postfix: PostfixInstance;
let dataDir: string;
let store: Store;
let now = Date.now();
const clock = { now: () => now };

before(async () => {
  smtp = await startSmtp();
  postfix = new PostfixInstance(smtp.port);
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-pfstore-'));
  store = openSqliteStore(dataDir);
});

after(async () => {
  postfix.destroy();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  await smtp.close();
});

/** Stores the message in the Outbox first, as the dispatcher would have. */
async function enqueued(message: OutgoingMessage): Promise<OutgoingMessage> {
  await store.outbox.enqueue([
    {
      id: message.id,
      messageId: message.messageId,
      kind: 'mail.test',
      severity: 'info',
      priority: 5,
      profile: 'local',
      dedupeKey: null,
      envelope: message.envelope,
      subject: 'test',
      raw: message.raw,
      createdAt: now,
    },
  ]);
  return message;
}

function postfixTransport() {
  return new MailClientTransport({
    source: fixedSource([mailClientFor('postfix', '/usr/sbin/sendmail', undefined, { env: postfix.env })]),
    runner,
    locks: new ProgramLocks(),
    clock,
    timeoutMs: 20_000,
    graceMs: 2_000,
    account: { HOME: '/root', USER: 'root' },
    recorder: store.handOffs,
  });
}

function watch() {
  return new MtaQueueWatch({
    ledger: store.handOffs,
    lister: new MtaQueueReader({ runner, env: postfix.env, lookUpMessageIdsFor: ['vigil@example.test'] }),
    clock,
    stuckAfterMs: HOUR,
  });
}

test('usingSpooler false: Postfix is installed but skipped, with the risk explained', async () => {
  const source = new DetectedClientSource(new Detector({ runner }), ['postfix'], { usingSpooler: false, clock });
  const transport = new MailClientTransport({ source, runner, locks: new ProgramLocks(), clock, timeoutMs: 5_000, graceMs: 1_000, account: {} });
  const outcome = await transport.send(testMessage(), new AbortController().signal);
  assert.equal(outcome.kind, 'credentials');
  assert.equal(outcome.errorCode, 'ERR_MAILCLIENT_NONE');
  assert.match(outcome.detail, /postfix: spooling client skipped: .*does not mean delivered.*daemon is not running.*forever/);
});

test('usingSpooler true, Postfix stopped: queued-locally, then stuck; once Postfix runs: delivered and gone from its queue', async () => {
  assert.equal(postfix.running(), false);
  const message = await enqueued(testMessage({ subject: 'through postfix' }));
  const outcome = await postfixTransport().send(message, new AbortController().signal);
  assert.equal(outcome.kind, 'queued-locally', outcome.detail);
  assert.notEqual(outcome.kind, 'accepted');

  const recorded = await store.handOffs.get(message.id);
  assert.equal(recorded?.client, 'postfix');
  assert.equal(recorded?.queueListing, 'postqueue-json');

  // Within stuckAfter: in the queue, not stuck yet.
  let report = await watch().check();
  assert.equal(report.inQueue, 1, JSON.stringify(report));
  assert.deepEqual(report.stuck, []);
  const seen = await store.handOffs.get(message.id);
  assert.ok(seen?.queueId, 'the Postfix queue id is remembered');

  // An hour later it is still in maildrop: stuck, reported once as new.
  now += HOUR + 1;
  report = await watch().check();
  assert.deepEqual(report.stuck.map((s) => s.outboxId), [message.id]);
  assert.deepEqual(report.newlyStuck.map((s) => s.outboxId), [message.id]);
  assert.deepEqual((await store.handOffs.stuck()).map((h) => h.outboxId), [message.id]);
  report = await watch().check();
  assert.deepEqual(report.newlyStuck, [], 'already known to be stuck');

  // Postfix starts and relays it to the test server.
  postfix.start();
  await eventually(() => smtp.received.some((mail) => mail.messageId === message.messageId), 30_000, 'the message to reach the relay');
  await eventually(async () => (await watch().check()).left.includes(message.id), 30_000, 'the message to leave the Postfix queue');
  const left = await store.handOffs.get(message.id);
  assert.ok(left?.leftAt);
  assert.equal(left?.stuckSince, null);
  assert.deepEqual(await store.handOffs.stuck(), []);
  postfix.stop();
});
