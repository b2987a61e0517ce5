import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpTransport } from '../../src/transports/smtp/smtp-transport.js';
import { FailoverTransport } from '../../src/transports/failover-transport.js';
import type { OutgoingMessage } from '../../src/domain/message.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { waitFor } from '../helpers/wait-for.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

const message = (id: string): OutgoingMessage => ({
  id,
  messageId: `<${id}@vigil-test.example.com>`,
  profile: 'office',
  createdAt: 0,
  envelope: { from: 'vigil@example.com', to: ['ops@example.com'] },
  raw: Buffer.from(`Subject: ${id}\r\n\r\n${id}\r\n`),
});

function smtp(port: number, connectionWaitMs: number): SmtpTransport {
  return new SmtpTransport({
    host: '127.0.0.1',
    port,
    security: 'none',
    rejectUnauthorized: true,
    clientName: 'vigil-test.example.com',
    timeoutMs: 3_000,
    maxConnections: 1,
    connectionWaitMs,
    redact: (text) => text,
  });
}

test('a message whose wait for a free connection runs out is not tried, and the server is not held to account', async () => {
  // The first server's only connection is taken by a message it never answers; the second
  // message's wait for that connection runs out long before the first attempt's deadline.
  const slow = await SmtpPeer.start();
  cleanups.push(() => slow.stop());
  slow.stalling = true;
  const backup = await SmtpPeer.start();
  cleanups.push(() => backup.stop());
  const transport = new FailoverTransport([smtp(slow.port, 100), smtp(backup.port, 100)]);
  cleanups.push(() => transport.close());

  const first = transport.send(message('first'), new AbortController().signal);
  await waitFor(async () => slow.received.length === 1, { what: 'the first message reached the slow server' });
  const second = await transport.send(message('second'), new AbortController().signal);

  assert.equal(second.kind, 'temporary', second.detail);
  assert.equal(second.errorCode, 'ERR_SMTP_NO_CONNECTION_FREE');
  assert.equal(second.notTried, true);
  assert.match(second.detail, /^not tried: no connection to 127\.0\.0\.1:\d+ became free within 100 ms/);
  assert.equal(backup.connections, 0, 'not handed to the next server: the first did not fail');
  assert.equal(slow.connections, 1, 'no second connection to the slow server');
  assert.equal((await first).kind, 'ambiguous', 'the first attempt ends at its own deadline');
});
