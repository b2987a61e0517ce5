import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, type AppContext } from '../../src/app/context.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig, TEST_PASSWORD } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { withCleanups } from '../helpers/cleanups.js';

const env = { ...process.env, TEST_SMTP_PASS: TEST_PASSWORD };
const cleanups = withCleanups();

async function alert(app: AppContext, subject: string, severity: 'critical' | 'info' = 'critical') {
  return app.outbox.enqueue({ kind: 'backup.failed', severity, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject, text: subject });
}

/** A profile paused by refused credentials, its first alert deferred for its backoff (1 min). */
async function pausedProfile(clock: FakeClock) {
  const refusing = await SmtpPeer.start({ auth: { user: 'vigil', pass: 'not-the-password' } });
  const port = refusing.port;
  const ws = new Workspace(smtpConfig({ servers: [{ port, auth: true }], concurrency: 1 }));
  cleanups.push(() => ws.cleanup());
  const app = openApp({ configFile: ws.configFile, clock, env, logLevel: 'error' });
  cleanups.push(() => app.close());
  const first = await alert(app, 'first: documents failed');
  await app.dispatcher.runPass();
  const state = await app.store.profiles.get('office');
  assert.ok(state.pausedUntil !== null && state.pausedUntil > clock.now(), 'refused credentials paused the profile');
  const deferred = await app.store.outbox.get(first.id);
  assert.equal(deferred?.state, 'deferred');
  // The password is fixed on the server's side: the same port now accepts it.
  await refusing.stop();
  const server = await SmtpPeer.start({ port, auth: { user: 'vigil', pass: TEST_PASSWORD } });
  cleanups.push(() => server.stop());
  return { app, ws, server, first: first.id, deferredUntil: deferred!.nextAttemptAt, pausedUntil: state.pausedUntil };
}

test('a profile resumed by a successful `mail test` sends its held-back alerts at once, oldest critical first, before a later recovery notice', async () => {
  const clock = new FakeClock(Date.now());
  const { app, ws, server, deferredUntil } = await pausedProfile(clock);
  clock.advance(10_000);
  await alert(app, 'second: database failed');
  await alert(app, 'an info message held back', 'info');

  const tested = await ws.vigil(['mail', 'test'], { env });
  assert.equal(tested.code, 0, tested.stdout + tested.stderr);
  assert.equal((await app.store.profiles.get('office')).pausedUntil, null, 'the test resumed the profile');

  clock.advance(10_000);
  assert.ok(clock.now() < deferredUntil, 'the first alert’s own backoff has not run out');
  await alert(app, 'documents recovered', 'info');
  await app.dispatcher.runPass();
  const subjects = server.received.map((m) => m.parsed.subject).filter((s) => !s?.startsWith('Vigil test message'));
  assert.deepEqual(subjects, ['first: documents failed', 'second: database failed', 'an info message held back', 'documents recovered']);
});

test('a pause that runs out makes the profile’s held-back messages due at once', async () => {
  const clock = new FakeClock(Date.now());
  const { app, server, first, pausedUntil } = await pausedProfile(clock);
  // Deferred again while paused, so its own next try comes after the pause ends.
  await app.store.outbox.retry(first, pausedUntil! + 300_000);
  clock.set(pausedUntil! + 1);
  const report = await app.dispatcher.runPass();
  assert.equal(report.sent, 1);
  assert.equal(server.received[0]?.parsed.subject, 'first: documents failed');
  assert.equal((await app.store.profiles.get('office')).pausedUntil, null, 'the pause that ran out is cleared');
});
