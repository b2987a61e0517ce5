import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, type AppContext } from '../../src/app/context.js';
import { watchMtaQueues } from '../../src/app/mta-queue-loop.js';
import { PRIORITY } from '../../src/domain/message.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { MailClientTransport } from '../../src/transports/mailclient/mail-client-transport.js';
import { MtaQueueReader } from '../../src/transports/mailclient/mta-queue-reader.js';
import { MtaQueueWatch } from '../../src/transports/mailclient/mta-queue-watch.js';
import { ProgramLocks } from '../../src/transports/mailclient/program-locks.js';
import { ChildProcessRunner } from '../../src/transports/mailclient/program-runner.js';
import { mailClientFor } from '../../src/transports/mailclient/selection.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Workspace } from '../helpers/workspace.js';
import { fixedSource, startSmtp, type TestSmtp } from './helpers.js';
import { PostfixInstance } from './postfix-instance.js';
import { waitFor } from '../helpers/wait-for.js';

// Item 29: a critical message handed to Postfix while its daemon was down sat in the local queue
// and was never escalated: `queued-locally` did not count as undelivered, and the queue watch
// only wrote log warnings. Real Postfix (its own instance, stopped, then started), real SQLite.

const MINUTE = 60_000;
const SENDER = 'vigil@example.test';
const runner = new ChildProcessRunner();
let relay: TestSmtp;
let postfix: PostfixInstance;
let ws: Workspace;
let app: AppContext;
const clock = new FakeClock(Date.now());
const syslog = { lines: [] as string[], async critical(line: string) { this.lines.push(line); } } satisfies SystemLog & { lines: string[] };

before(async () => {
  relay = await startSmtp();
  postfix = new PostfixInstance(relay.port);
  ws = new Workspace(`dataDir: ./var
hostname: vigil-test.example.com
mail:
  profile: local
  usingSpooler: true
  queueWatchEvery: 10m
profiles:
  local:
    method: client
    from: "Vigil <${SENDER}>"
    clients: [postfix]
    addressBook:
      admins: [ops@example.com]
      oncall: [pager@example.com]
notification:
  admins: [admins]
  pager: [oncall]
  escalateAfter: 15m
`);
  app = openApp({ configFile: ws.configFile, clock, logLevel: 'error', systemLog: syslog });
});

after(async () => {
  postfix.destroy();
  await app.close();
  ws.cleanup();
  await relay.close();
});

/** The watch of this Postfix instance (its own MAIL_CONFIG), as the service builds it. */
function watch(): MtaQueueWatch {
  return new MtaQueueWatch({ ledger: app.store.handOffs, lister: new MtaQueueReader({ runner, env: postfix.env, lookUpMessageIdsFor: [SENDER] }), clock, stuckAfterMs: 60 * MINUTE });
}

/** A critical alert, handed to this Postfix's sendmail and recorded queued-locally as the dispatcher does. */
async function handedToPostfix(subject: string): Promise<string> {
  const [queued] = await app.outbox.enqueueMany([
    { kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'local', from: `Vigil <${SENDER}>`, to: ['ops@example.com'], subject, text: `${subject}.` },
  ]);
  const id = queued!.id;
  const message = await app.store.outbox.claimById(id, clock.now(), MINUTE, 'test');
  assert.ok(message);
  const transport = new MailClientTransport({
    source: fixedSource([mailClientFor('postfix', '/usr/sbin/sendmail', undefined, { env: postfix.env })]),
    runner,
    locks: new ProgramLocks(),
    clock,
    timeoutMs: 20_000,
    graceMs: 2_000,
    account: { HOME: '/root', USER: 'root' },
    recorder: app.store.handOffs,
  });
  const outcome = await transport.send(message, new AbortController().signal);
  assert.equal(outcome.kind, 'queued-locally', outcome.detail);
  const attempt = { messageId: id, startedAt: clock.now(), durationMs: 1, transport: 'client', outcome };
  await app.store.outbox.complete([{ attempt, state: 'queued-locally', nextAttemptAt: clock.now(), possibleDuplicate: false, owner: 'test' }], clock.now());
  return id;
}

test('a critical message stuck in the Postfix queue past escalateAfter escalates; the queue watch feeds it from its first pass', async () => {
  assert.equal(postfix.running(), false);
  const id = await handedToPostfix('documents failed');
  assert.equal((await watch().check()).inQueue, 1, 'Postfix holds it in its queue');

  clock.advance(10 * MINUTE);
  assert.deepEqual(await app.notifications.escalator.checkOverdue(), [], 'not before escalateAfter');

  // Past escalateAfter, the loop's first pass (at start, not a minute later) reads the queue and
  // then escalates: system log, the escalation record (for the next mail's preface), the pager.
  clock.advance(6 * MINUTE);
  const loop = watchMtaQueues(app, watch());
  await loop.firstPass;
  loop.stop();
  assert.equal(syslog.lines.length, 1, syslog.lines.join('\n'));
  assert.match(syslog.lines[0]!, /could not deliver critical message "documents failed" .*still in the local postfix queue after 15m/);
  const escalated = await app.store.outbox.list({ states: ['queued'], limit: 10 });
  const pager = escalated.find((m) => m.kind === 'escalation.pager');
  assert.ok(pager, 'a pager message is queued');
  assert.deepEqual(pager.envelope.to, ['pager@example.com']);
  assert.equal((await app.notifications.escalator.checkOverdue()).length, 0, 'escalated once');
  assert.equal((await app.store.outbox.get(id))?.state, 'queued-locally');
});

test('a critical message Postfix has since delivered is not escalated (no false alarm)', async () => {
  const before = syslog.lines.length;
  const id = await handedToPostfix('photos failed');
  postfix.start();
  try {
    await waitFor(async () => (await watch().check()).left.includes(id), { timeoutMs: 30_000, what: 'the message to leave the Postfix queue' });
  } finally {
    postfix.stop();
  }
  clock.advance(20 * MINUTE);
  const escalated = await app.notifications.escalator.checkOverdue();
  assert.deepEqual(escalated.map((e) => e.subject), []);
  assert.equal(syslog.lines.length, before);
});
