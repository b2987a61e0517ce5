import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from '../../src/app/context.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

test('a message is leased for its own profile’s longest attempt, not the slowest profile’s', async () => {
  // The server takes the data and never answers, so the lease can be read while the attempt runs.
  const stalling = await SmtpPeer.start({ stallAfterData: true });
  cleanups.push(() => stalling.stop());
  // A mail-client profile next to the SMTP one: its attempts may take minutes (one per client).
  const extra = `  local:\n    method: client\n    from: vigil@example.com\n`;
  const yaml = smtpConfig({ servers: [{ port: stalling.port }], timeoutSeconds: 1 }).replace('\nnotification:', `\n${extra}notification:`);
  const ws = new Workspace(yaml);
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock();
  const app = openApp({ configFile: ws.configFile, clock, logLevel: 'error' });
  cleanups.push(() => app.close());
  assert.ok(app.transports.attemptDeadlineMs('local') > app.transports.attemptDeadlineMs('office'), 'the client profile is the slower one');

  const { id } = await app.outbox.enqueue({ kind: 'backup.failed', severity: 'critical', profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'x' });
  const pass = app.dispatcher.runPass();
  try {
    while (stalling.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const leased = await app.store.outbox.get(id);
    assert.equal(leased?.state, 'sending');
    const leaseMs = leased!.nextAttemptAt - clock.now();
    // One SMTP attempt (1 s, one server) plus the dispatcher's grace, nowhere near the client's minutes.
    assert.ok(leaseMs < app.transports.attemptDeadlineMs('local'), `lease ${leaseMs} ms`);
    assert.equal(leaseMs, app.transports.attemptDeadlineMs('office') + 10_000);
  } finally {
    await pass; // the attempt ends at its 1 s deadline
  }
});
