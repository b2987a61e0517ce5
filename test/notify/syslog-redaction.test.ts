import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { openApp } from '../../src/app/context.js';
import { LoggerProgramSystemLog } from '../../src/app/system-log.js';
import { PRIORITY } from '../../src/domain/message.js';
import { closedPort } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { waitFor } from '../helpers/wait-for.js';

const SECRET = 'hunter2-is-not-a-password';

test('a registered secret in an escalation reason never reaches the real logger program', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-syslog-'));
  const socketPath = path.join(dir, 'log.sock');
  const received: string[] = [];
  const server = net.createServer((socket) => socket.on('data', (d: Buffer) => received.push(d.toString())));
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const ws = new Workspace(smtpConfig({ servers: [{ port: await closedPort() }] }));
  const fallback = new PassThrough();
  let fell = '';
  fallback.on('data', (d: Buffer) => (fell += d.toString()));
  // The real `logger`, writing to a socket this test owns (--socket-errors=on: a socket problem is
  // an exit status and shows in `fell`, so the assertions below cannot pass by accident).
  const systemLog = new LoggerProgramSystemLog({ extraArgs: ['--socket', socketPath, '--socket-errors=on'], fallback });
  const app = openApp({ configFile: ws.configFile, clock: new FakeClock(), logLevel: 'error', systemLog });
  try {
    app.redactor.add(SECRET, 'vigil');
    await app.outbox.enqueueMany([
      { kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'documents failed' },
    ]);
    // A server reply quoting the credentials, as a broken or hostile server may.
    const reply = `535 5.7.8 authentication failed for vigil/${SECRET} (${Buffer.from(SECRET).toString('base64')})`;
    const escalated = await app.notifications.escalator.onPaused('office', reply);
    assert.equal(escalated.length, 1);
    await waitFor(() => received.join('').includes('\n'));
    const entry = received.join('');
    assert.match(entry, /^<10>.* vigil: could not deliver critical message "documents failed" .*authentication failed for vigil\/\*\*\* \(\*\*\*\)/);
    assert.ok(!entry.includes(SECRET), entry);
    assert.ok(!entry.includes(Buffer.from(SECRET).toString('base64')), entry);
    assert.equal(fell, '', 'written to the system log, not the fallback');
  } finally {
    await app.close();
    ws.cleanup();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
