import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { openApp } from '../../src/app/context.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

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

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
