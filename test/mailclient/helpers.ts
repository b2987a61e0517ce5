import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import type { OutgoingMessage } from '../../src/domain/message.js';
import type { MailClient } from '../../src/transports/mailclient/mail-client.js';
import type { ClientChoice, ClientSource } from '../../src/transports/mailclient/mail-client-transport.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

let counter = 0;
/** A rendered message as the Outbox would hand it to a transport. */
export function testMessage(options: { to?: string[]; from?: string; body?: string; subject?: string } = {}): OutgoingMessage {
  counter += 1;
  const id = `msg-${process.pid}-${counter}`;
  const messageId = `<${id}@vigil.test>`;
  const from = options.from ?? 'vigil@example.test';
  const to = options.to ?? ['ops@example.test'];
  const raw = Buffer.from(
    [
      `From: Vigil <${from}>`,
      `To: ${to.join(', ')}`,
      `Subject: ${options.subject ?? 'backup failed'}`,
      `Message-ID: ${messageId}`,
      'Date: Mon, 01 Jan 2024 00:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      options.body ?? 'The backup set "documents" failed.\r\n.\r\nA lone dot above must not end the message.',
      '',
    ].join('\r\n'),
  );
  return { id, messageId, profile: 'local', createdAt: 0, envelope: { from, to }, raw };
}

/** A client definition pointing at a fixture script. */
export function fixtureClient(name: string, script: string, overrides: Partial<MailClient> = {}): MailClient {
  return {
    name,
    path: path.join(FIXTURES, script),
    coupling: 'tight',
    endOfOptions: true,
    replyOnStderr: false,
    exitMeanings: {},
    queueListing: 'none',
    ...overrides,
  };
}

export function fixedSource(clients: MailClient[], skipped: ClientChoice['skipped'] = []): ClientSource {
  return { choose: async () => ({ clients, skipped }) };
}

export const fixedClock = { now: () => 1_700_000_000_000 };

export interface TestSmtp {
  port: number;
  received: ParsedMail[];
  /** Envelope recipients of each message, in arrival order. */
  envelopes: Array<{ from: string; to: string[] }>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on an ephemeral port of 127.0.0.1, no TLS or auth. `reject` answers a
 * recipient or the data with an SMTP error: `{ rcpt: [450, 'try later'] }`.
 */
export async function startSmtp(options: { rcpt?: [number, string]; data?: [number, string] } = {}): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const envelopes: TestSmtp['envelopes'] = [];
  const fail = ([code, text]: [number, string]) => Object.assign(new Error(text), { responseCode: code });
  const config: SMTPServerOptions = {
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(options.rcpt ? fail(options.rcpt) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (options.data) return callback(fail(options.data));
        envelopes.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) });
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push(mail);
          callback();
        }, callback);
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, envelopes, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
