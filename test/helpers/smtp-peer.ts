import net from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { localhostCertificate } from './certs.js';

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
  user: string | undefined;
  secure: boolean;
}

/** A header of a received message as text (`x-vigil-kind`: what Vigil sent). */
export function headerOf(m: ReceivedMessage, name: string): string {
  return String(m.parsed.headers.get(name));
}

/**
 * A reply to inject: `{ at: 'RCPT', code: 450, text: '4.2.0 try later' }` for the next N sessions'
 * command; `at: 'CONNECT'` refuses the connection itself with that reply (a server in an outage).
 */
export interface Injection {
  at: 'CONNECT' | 'MAIL' | 'RCPT' | 'DATA';
  code: number;
  text: string;
  /** How many times it fires before the server behaves again (default: forever). */
  times?: number;
}

export interface PeerOptions {
  security?: 'none' | 'starttls' | 'tls';
  auth?: { user: string; pass: string };
  /** After the message data arrives: drop the connection without answering. */
  dropAfterData?: number;
  /** After the message data arrives: never answer (a stall), until closed. */
  stallAfterData?: boolean;
  /** After the message data arrives and before the server answers it: awaited (e.g. to freeze the client). */
  beforeDataReply?: () => Promise<void> | void;
  port?: number;
  /**
   * With security none: offer STARTTLS anyway, and refuse AUTH before it (538), as Postfix with
   * smtpd_tls_auth_only does. A client that ignores STARTTLS then sends its password in clear.
   */
  offerStartTls?: boolean;
}

/**
 * A real SMTP server (the `smtp-server` package) on an ephemeral loopback port, the peer of
 * Vigil's SMTP tests. It records what arrives and can refuse, defer, drop or stall on demand.
 */
export class SmtpPeer {
  readonly received: ReceivedMessage[] = [];
  readonly injections: Injection[] = [];
  readonly authAttempts: { user: string; ok: boolean }[] = [];
  /** Every byte clients sent, as it crossed the wire (still encrypted after STARTTLS or with tls). */
  readonly wire: Buffer[] = [];
  /** TCP connections accepted so far (what a server in an outage would count). */
  connections = 0;
  /** Set at any time: from then on, never answer the message data (as the stallAfterData option). */
  stalling = false;
  private server!: SMTPServer;
  port = 0;
  private dropsLeft = 0;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly options: PeerOptions = {}) {
    this.dropsLeft = options.dropAfterData ?? 0;
  }

  static async start(options: PeerOptions = {}): Promise<SmtpPeer> {
    const peer = new SmtpPeer(options);
    await peer.listen(options.port ?? 0);
    return peer;
  }

  async listen(port: number): Promise<void> {
    const { key, cert } = await localhostCertificate();
    const security = this.options.security ?? 'none';
    const auth = this.options.auth;
    const config: SMTPServerOptions = {
      secure: security === 'tls',
      key,
      cert,
      disabledCommands: [...(security === 'none' && !this.options.offerStartTls ? ['STARTTLS'] : []), ...(auth ? [] : ['AUTH'])],
      authOptional: !auth,
      allowInsecureAuth: security === 'none' && !this.options.offerStartTls,
      logger: false,
      onConnect: (_session, callback) => callback(this.inject('CONNECT')),
      onAuth: (credentials, _session, callback) => {
        const ok = !!auth && credentials.username === auth.user && credentials.password === auth.pass;
        this.authAttempts.push({ user: credentials.username ?? '', ok });
        if (!ok) return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
        callback(null, { user: credentials.username });
      },
      onMailFrom: (_address, _session, callback) => callback(this.inject('MAIL')),
      onRcptTo: (_address, _session, callback) => callback(this.inject('RCPT')),
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    };
    this.server = new SMTPServer(config);
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = (this.server as unknown as { server: net.Server }).server.address() as net.AddressInfo;
    this.port = address.port;
    (this.server as unknown as { server: net.Server }).server.on('connection', (socket: net.Socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('data', (chunk: Buffer) => void this.wire.push(chunk));
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** True when `text` crossed the wire in clear, as is or base64-encoded (alone or in AUTH PLAIN/LOGIN). */
  sawOnWire(text: string, user = ''): boolean {
    const wire = Buffer.concat(this.wire).toString('latin1');
    const forms = [text, Buffer.from(text).toString('base64'), Buffer.from(`\u0000${user}\u0000${text}`).toString('base64')];
    return forms.some((form) => wire.includes(form));
  }

  /** Stops listening and cuts every open connection (a server that went down). */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  inject(at: Injection['at']): Error | undefined;
  inject(injection: Injection): void;
  inject(arg: Injection | Injection['at']): Error | undefined | void {
    if (typeof arg !== 'string') {
      this.injections.push(arg);
      return;
    }
    const found = this.injections.find((i) => i.at === arg && (i.times === undefined || i.times > 0));
    if (!found) return undefined;
    if (found.times !== undefined) found.times--;
    return Object.assign(new Error(found.text), { responseCode: found.code });
  }

  private onData(stream: NodeJS.ReadableStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      void simpleParser(raw).then((parsed) => {
        this.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          parsed,
          user: session.user as string | undefined,
          secure: session.secure,
        });
        if (this.options.stallAfterData || this.stalling) return; // never answer
        if (this.options.beforeDataReply) {
          void Promise.resolve(this.options.beforeDataReply()).then(() => callback(this.inject('DATA')));
          return;
        }
        if (this.dropsLeft > 0) {
          this.dropsLeft--;
          for (const socket of this.sockets) socket.destroy();
          return;
        }
        callback(this.inject('DATA'));
      });
    });
  }
}

/** A "tarpit": accepts TCP connections and never says a word. */
export async function startTarpit(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on which nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
