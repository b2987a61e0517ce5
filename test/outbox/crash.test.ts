import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openApp } from '../../src/app/context.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';
import { waitFor } from '../helpers/wait-for.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

test('a delivery process SIGKILLed mid-delivery loses nothing: after its lease expires the message is delivered', async () => {
  // The first server takes the message data and never answers: the process is killed while it
  // waits for the 250.
  const stalling = await SmtpPeer.start({ stallAfterData: true });
  const port = stalling.port;
  const ws = new Workspace(smtpConfig({ servers: [{ port }], timeoutSeconds: 2 }));
  cleanups.push(() => ws.cleanup());

  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  const { id } = await app.outbox.enqueue({
    kind: 'backup.failed',
    severity: 'critical',
    profile: 'office',
    from: 'vigil@example.com',
    to: ['ops@example.com'],
    subject: 'documents failed',
    text: 'vault unreachable',
  });
  await app.close();

  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'outbox', 'deliver', '--config', ws.configFile], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  await waitFor(() => stalling.received.length === 1, 20_000);
  child.kill('SIGKILL');
  await exited;
  await stalling.stop();

  const check = openApp({ configFile: ws.configFile, logLevel: 'error' });
  cleanups.push(() => check.close());
  const held = await check.store.outbox.get(id);
  assert.equal(held?.state, 'sending', 'the dead process still holds the lease');
  assert.deepEqual(await check.store.outbox.attempts(id), [], 'no attempt was recorded: it never finished');

  const server = await SmtpPeer.start({ port });
  cleanups.push(() => server.stop());
  // While the lease is live, nobody else sends the message.
  assert.equal((await check.dispatcher.runPass()).attempted, 0);
  const leaseEnds = held!.nextAttemptAt;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, leaseEnds - Date.now() + 100)));
  const report = await check.dispatcher.runPass();
  assert.equal(report.sent, 1);
  assert.equal((await check.store.outbox.get(id))?.state, 'sent');
  assert.equal(server.received.length, 1);
  // The copy the stalled server received and the delivered one are the same message.
  assert.equal(server.received[0]!.parsed.messageId, stalling.received[0]!.parsed.messageId);
});

test('a message the server accepted just before the delivering process was SIGKILLed is re-sent flagged as a possible duplicate', async () => {
  // The server has the whole message; the client is frozen (SIGSTOP) before the 250 is written,
  // so it cannot read the reply, and then killed: the 250 was sent, the result never recorded.
  // Set once the child is spawned; the server's hook reads it.
  const deliverer: { child?: ReturnType<typeof spawn> } = {};
  let frozen = false;
  let replied!: () => void;
  const replyWritten = new Promise<void>((resolve) => (replied = resolve));
  const accepting = await SmtpPeer.start({
    beforeDataReply: async () => {
      if (frozen) return; // only the first delivery; the re-send is answered at once
      frozen = true;
      deliverer.child!.kill('SIGSTOP');
      await waitFor(() => processState(deliverer.child!.pid!) === 'T', 10_000);
      // The peer writes its 250 as soon as this returns; a turn later it is on the wire.
      setImmediate(replied);
    },
  });
  cleanups.push(() => accepting.stop());
  const ws = new Workspace(smtpConfig({ servers: [{ port: accepting.port }], timeoutSeconds: 2 }));
  cleanups.push(() => ws.cleanup());
  const enqueuer = openApp({ configFile: ws.configFile, logLevel: 'error' });
  const { id } = await enqueuer.outbox.enqueue({ kind: 'backup.failed', severity: 'critical', profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'vault unreachable' });
  await enqueuer.close();

  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'outbox', 'deliver', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: 'ignore' });
  deliverer.child = child;
  const exited = new Promise((resolve) => child.on('close', resolve));
  await replyWritten;
  assert.equal(accepting.received.length, 1);
  child.kill('SIGKILL');
  await exited;

  // The next process takes the message once the dead one's lease has ended (a fake clock moves there).
  const clock = new FakeClock(Date.now());
  const check = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  cleanups.push(() => check.close());
  const held = await check.store.outbox.get(id);
  assert.equal(held?.state, 'sending', 'the dead process still holds the lease');
  assert.deepEqual(await check.store.outbox.attempts(id), [], 'the 250 was never recorded');
  clock.set(held!.nextAttemptAt + 1);
  const report = await check.dispatcher.runPass();
  assert.equal(report.sent, 1);

  const after = await check.store.outbox.get(id);
  assert.equal(after?.state, 'sent');
  assert.equal(after?.possibleDuplicate, true, 'a re-sent message whose first attempt has no outcome may be a duplicate');
  assert.equal(after?.attempts, 2);
  const attempts = await check.store.outbox.attempts(id);
  assert.deepEqual(attempts.map((a) => a.outcome), ['ambiguous', 'accepted']);
  assert.match(attempts[0]!.detail, /no outcome was recorded/);
  assert.equal(accepting.received.length, 2, 'the server has it twice');
  assert.equal(accepting.received[1]!.parsed.messageId, accepting.received[0]!.parsed.messageId, 'with the same Message-ID');

  // The summary's delivery part counts it, and `outbox show` says so.
  const health = await check.store.summary.delivery(0, clock.now() + 1, 0);
  assert.equal(health.possibleDuplicates, 1);
  const shown = await ws.vigil(['outbox', 'show', id]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /state\s+sent \(possible duplicate/);
  assert.match(shown.stdout, /attempt 1: .* ambiguous/);
});

/** The state letter of /proc/PID/stat: R running, S sleeping, T stopped, Z zombie. */
function processState(pid: number): string | undefined {
  try {
    return /\) (\w) /.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}
