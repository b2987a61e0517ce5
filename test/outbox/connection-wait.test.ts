import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from '../../src/app/context.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

const TIMEOUT_SECONDS = 2;
const IN_FLIGHT = 5;

test('messages queued behind a slow server’s only connection are delivered by it, not counted as its failures', async () => {
  // A working but slow server: each message's data is answered 0.6 × the deadline later, so one
  // exchange fits its deadline, but five queued on one connection take 3 × the deadline. (Before
  // the fix the deadline ran while they queued: one was cut mid-data as ambiguous, two came back
  // timed out from the first server and went to the backup.)
  const slow = await SmtpPeer.start({ beforeDataReply: () => new Promise((resolve) => setTimeout(resolve, TIMEOUT_SECONDS * 600)) });
  cleanups.push(() => slow.stop());
  const backup = await SmtpPeer.start();
  cleanups.push(() => backup.stop());
  const ws = new Workspace(smtpConfig({ servers: [{ port: slow.port }, { port: backup.port }], timeoutSeconds: TIMEOUT_SECONDS, connections: 1, concurrency: IN_FLIGHT }));
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock(Date.now());
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  cleanups.push(() => app.close());
  const queued = await app.outbox.enqueueMany(
    Array.from({ length: IN_FLIGHT }, (_, i) => ({ kind: 'backup.failed', severity: 'info' as const, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: `slow ${i}`, text: `slow ${i}` })),
  );

  const pass = await app.dispatcher.runPass();

  assert.equal(pass.sent, IN_FLIGHT, `every message is delivered in the first pass: ${JSON.stringify(pass)}`);
  for (const { id } of queued) {
    const attempts = await app.store.outbox.attempts(id);
    assert.deepEqual(
      attempts.map((a) => [a.outcome, a.server]),
      [['accepted', `127.0.0.1:${slow.port}`]],
      `message ${id}: one attempt, accepted by the first server (${attempts.map((a) => a.detail).join('; ')})`,
    );
  }
  assert.equal(backup.connections, 0, 'the backup server is never used: the first one did not fail');
  assert.equal(await app.store.outbox.routeSuspension('office', clock.now()), undefined, 'the route is not suspended');
});
