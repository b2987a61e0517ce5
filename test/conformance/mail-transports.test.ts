import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redactor } from '../../src/config/redact.js';
import { SmtpTransport } from '../../src/transports/smtp/smtp-transport.js';
import { MaildirTransport } from '../../src/transports/maildir/maildir-transport.js';
import { MailClientTransport } from '../../src/transports/mailclient/mail-client-transport.js';
import { ChildProcessRunner } from '../../src/transports/mailclient/program-runner.js';
import { ProgramLocks } from '../../src/transports/mailclient/program-locks.js';
import { mailClientFor } from '../../src/transports/mailclient/selection.js';
import { closedPort, SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig, TEST_PASSWORD } from '../helpers/smtp-config.js';
import { CloudPeer } from '../oauth/cloud-peer.js';
import { GRAPH_SECRET, graphConfig, oauthEnv } from '../oauth/helpers.js';
import { transportConformance } from './transport/transport.suite.js';
import { configuredTransports, mailMessage } from './transport/configured.js';
import type { TransportRig } from './transport/harness.js';

/** The rows of the Transport suite for the e-mail transports, each against its real peer. */

/** An SMTP peer's refusals, at RCPT: 550 for good, 450 for now. */
function smtpRefusals(peer: SmtpPeer): Pick<TransportRig, 'refuseNext' | 'hang'> {
  return {
    refuseNext: (kind, text) => peer.inject({ at: 'RCPT', code: kind === 'permanent' ? 550 : 450, text: `${kind === 'permanent' ? '5.1.1' : '4.2.0'} ${text}`, times: 1 }),
    hang: () => void (peer.stalling = true),
  };
}

transportConformance('smtp', async ({ deadlineMs }) => {
  const peer = await SmtpPeer.start({ auth: { user: 'vigil', pass: TEST_PASSWORD } });
  const redactor = new Redactor();
  redactor.add(TEST_PASSWORD, 'vigil');
  const transport = new SmtpTransport({
    host: '127.0.0.1',
    port: peer.port,
    security: 'none',
    rejectUnauthorized: true,
    clientName: 'vigil-test.example.com',
    timeoutMs: deadlineMs,
    maxConnections: 2,
    auth: async () => ({ user: 'vigil', pass: TEST_PASSWORD }),
    allowPlaintextAuth: true,
    redact: (text) => redactor.redact(text),
  });
  return {
    transport,
    message: () => mailMessage('office'),
    delivered: async () => peer.received.map((r) => r.raw),
    ...smtpRefusals(peer),
    secrets: [TEST_PASSWORD],
    async close() {
      await transport.close();
      await peer.stop();
    },
  };
});

// A profile's servers as the service builds them: the first one is down, so every case fails over.
transportConformance('failover', async ({ deadlineMs }) => {
  const peer = await SmtpPeer.start({ auth: { user: 'vigil', pass: TEST_PASSWORD } });
  const transports = configuredTransports(smtpConfig({ servers: [{ port: await closedPort() }, { port: peer.port, auth: true }], timeoutSeconds: deadlineMs / 1000 }), { TEST_SMTP_PASS: TEST_PASSWORD });
  return {
    transport: transports.transportFor('office')!,
    message: () => mailMessage('office'),
    delivered: async () => peer.received.map((r) => r.raw),
    ...smtpRefusals(peer),
    secrets: [TEST_PASSWORD],
    async close() {
      await transports.close();
      await peer.stop();
    },
  };
});

transportConformance('maildir', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-conformance-maildir-'));
  const inbox = path.join(dir, 'new');
  return {
    transport: new MaildirTransport(dir),
    message: () => mailMessage('local'),
    delivered: async () => {
      let names: string[] = [];
      try {
        names = readdirSync(inbox).sort();
      } catch {
        return [];
      }
      return names.map((n) => readFileSync(path.join(inbox, n)));
    },
    secrets: [],
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

// The real msmtp, configured as docs/mail-clients.md says (~/.msmtprc), relaying to a real SMTP server.
transportConformance('client (msmtp)', async ({ deadlineMs }) => {
  const peer = await SmtpPeer.start();
  const home = mkdtempSync(path.join(tmpdir(), 'vigil-conformance-msmtp-'));
  // msmtp's own timeout is longer than the transport's deadline: the deadline is what is tested.
  writeFileSync(path.join(home, '.msmtprc'), ['defaults', 'auth off', 'tls off', 'timeout 300', '', 'account default', 'host 127.0.0.1', `port ${peer.port}`, 'from vigil@example.com', ''].join('\n'), { mode: 0o600 });
  const transport = new MailClientTransport({
    source: { choose: async () => ({ clients: [mailClientFor('msmtp', '/usr/bin/msmtp')], skipped: [] }) },
    runner: new ChildProcessRunner(),
    locks: new ProgramLocks(),
    clock: { now: () => Date.now() },
    timeoutMs: deadlineMs,
    graceMs: 500,
    account: { HOME: home, USER: 'vigil' },
  });
  return {
    transport,
    message: () => mailMessage('local'),
    delivered: async () => peer.received.map((r) => r.raw),
    ...smtpRefusals(peer),
    secrets: [],
    async close() {
      await peer.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
});

// Microsoft Graph sendMail and its token endpoint, as documented, on an HTTPS loopback port.
transportConformance('graph', async ({ deadlineMs }) => {
  const peer = await CloudPeer.start();
  peer.apps.push({ tenant: 'contoso.onmicrosoft.com', clientId: 'app-graph', secret: GRAPH_SECRET });
  const transports = configuredTransports(graphConfig(peer).replace('timeoutSeconds: 5', `timeoutSeconds: ${deadlineMs / 1000}`), oauthEnv);
  return {
    transport: transports.transportFor('m365')!,
    message: () => mailMessage('m365'),
    delivered: async () => peer.sendMail.map((r) => r.mime),
    refuseNext: (kind, text) =>
      void peer.graphReplies.push(kind === 'permanent' ? { status: 400, body: { error: { code: 'ErrorInvalidRecipients', message: text } } } : { status: 503, body: { error: { code: 'ServiceUnavailable', message: text } } }),
    hang: () => void (peer.hangSendMail = true),
    get secrets() {
      return [GRAPH_SECRET, ...peer.issued];
    },
    async close() {
      await transports.close();
      await peer.stop();
    },
  };
});
