import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { SmtpTransport } from '../../src/transports/smtp/smtp-transport.js';
import type { OutgoingMessage } from '../../src/domain/message.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

/**
 * A server that accepts and then holds every connection for ever: it never greets, never answers
 * and never closes its side, even after the client has closed its own (a hung server, or a
 * firewall that swallows packets). Its handles are unref'd, so the only TCP handles that can keep
 * this process alive are the client's.
 */
async function holdingServer(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const sockets: net.Socket[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    connections++;
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

/** TCP handles that keep the process alive (`process.getActiveResourcesInfo` lists ref'd handles only). */
function liveTcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

const message: OutgoingMessage = {
  id: 'deadline',
  messageId: '<deadline@vigil-test.example.com>',
  profile: 'office',
  createdAt: 0,
  envelope: { from: 'vigil@example.com', to: ['ops@example.com'] },
  raw: Buffer.from('Subject: x\r\n\r\nx\r\n'),
};

test('at the deadline the connection is destroyed, so nothing keeps the process alive after a timed-out attempt', async () => {
  const server = await holdingServer();
  const transport = new SmtpTransport({
    host: '127.0.0.1',
    port: server.port,
    security: 'none',
    rejectUnauthorized: true,
    clientName: 'vigil-test.example.com',
    timeoutMs: 300,
    maxConnections: 1,
    redact: (text) => text,
  });
  cleanups.push(() => transport.close());
  const before = liveTcpHandles();

  const outcome = await transport.send(message, new AbortController().signal);
  assert.equal(outcome.kind, 'temporary');
  assert.equal(outcome.errorCode, 'ERR_SMTP_TIMEOUT');
  assert.equal(server.connections(), 1, 'the attempt reached the server');
  // Only half-closing (end) would leave the socket open until the server closes its side —
  // which this one never does — and the process waiting for it (nodemailer waits 5 s more).
  // A destroyed handle is gone once libuv has run its close callbacks: a few loop turns, not time.
  for (let turn = 0; turn < 5 && liveTcpHandles() > before; turn++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(liveTcpHandles(), before, 'the timed-out connection still holds the process');
});
