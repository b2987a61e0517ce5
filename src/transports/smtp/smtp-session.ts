import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Envelope } from '../../domain/message.js';
import { TranscriptRecorder } from './transcript.js';
import type { SmtpFailure } from './classify.js';

export type SmtpAuth = SMTPConnection.AuthenticationType;

/** Everything needed to open one SMTP session. */
export interface SessionOptions {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  /** Trusted CAs (PEM); undefined means the system's. */
  ca?: string[];
  rejectUnauthorized: boolean;
  servername?: string;
  /** Name we give in EHLO. */
  clientName: string;
  timeoutMs: number;
}

/** The result of one step: success, or the failure as SMTPConnection reported it. */
export type StepResult<T> = { ok: true; value: T } | { ok: false; failure: SmtpFailure };

/**
 * One SMTP connection (nodemailer's SMTPConnection) with a promise API, a transcript recorder,
 * and a way to cut it off at any moment. Sessions are reused for many messages by the pool.
 */
export class SmtpSession {
  readonly recorder = new TranscriptRecorder();
  private readonly connection: SMTPConnection;
  private closed = false;
  messagesSent = 0;

  constructor(options: SessionOptions) {
    this.connection = new SMTPConnection({
      host: options.host,
      port: options.port,
      secure: options.security === 'tls',
      requireTLS: options.security === 'starttls',
      ignoreTLS: options.security === 'none',
      name: options.clientName,
      // Socket-level timeouts are a second line; the real deadline is the attempt's signal.
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      dnsTimeout: options.timeoutMs,
      // Closing destroys the socket. nodemailer's default half-closes it and waits up to 5 s for
      // the server to close its side: a stalled server then held every command (and a service
      // stop) 5 s past its deadline. A polite close still sends QUIT and waits for the reply.
      socketCloseTimeout: 0,
      transactionLog: true,
      logger: this.recorder.logger as never,
      tls: {
        rejectUnauthorized: options.rejectUnauthorized,
        minVersion: 'TLSv1.2',
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.servername ? { servername: options.servername } : {}),
      },
    });
    // nodemailer reports some failures (refused connection, TLS errors) only as an 'error'
    // event, not through the pending callback: the step in progress is settled from here too.
    // The listener also keeps an idle connection's error from becoming an uncaught exception.
    this.connection.on('error', (error: unknown) => {
      this.closed = true;
      this.settlePending?.({ ok: false, failure: toFailure(error) });
    });
    this.connection.on('end', () => {
      this.closed = true;
      this.settlePending?.({ ok: false, failure: { message: 'the server closed the connection', code: 'ECONNECTION' } });
    });
  }

  /** Settles the step in progress (connect, login or send) exactly once. */
  private settlePending: ((result: StepResult<never>) => void) | undefined;

  private step<T>(start: (settle: (result: StepResult<T>) => void) => void): Promise<StepResult<T>> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: StepResult<T>) => {
        if (settled) return;
        settled = true;
        this.settlePending = undefined;
        resolve(result);
      };
      this.settlePending = settle as (result: StepResult<never>) => void;
      start(settle);
    });
  }

  /** The connection is encrypted (security: tls, or after STARTTLS). */
  get encrypted(): boolean {
    return this.connection.secure;
  }

  /** The server's EHLO reply offered STARTTLS (seen when security: none leaves it unused). */
  get offersStartTls(): boolean {
    return this.recorder.serverSaid(/^250[ -]STARTTLS\b/i);
  }

  get usable(): boolean {
    return !this.closed && this.connection.stage === 'connected';
  }

  connect(): Promise<StepResult<void>> {
    return this.step((resolve) => {
      this.connection.connect((error) => resolve(error ? { ok: false, failure: toFailure(error) } : { ok: true, value: undefined }));
    });
  }

  login(auth: SmtpAuth): Promise<StepResult<void>> {
    return this.step((resolve) => {
      this.connection.login(auth, (error) => resolve(error ? { ok: false, failure: toFailure(error) } : { ok: true, value: undefined }));
    });
  }

  /**
   * SASL XOAUTH2 with `token`. When the server answers a refused token with a 334 challenge,
   * nodemailer asks for another token: `onRefused` supplies it, or rejects to end the login.
   */
  loginXOAuth2(user: string, token: string, onRefused: () => Promise<string>): Promise<StepResult<void>> {
    const oauth2 = {
      getToken: (isRetry: boolean, callback: (error: Error | null, token?: string) => void) => {
        if (!isRetry) return callback(null, token);
        onRefused().then((fresh) => callback(null, fresh), (error: Error) => callback(error));
      },
      // `user=…^Aauth=Bearer …^A^A`, base64 (Google's and Microsoft's XOAUTH2 format).
      buildXOAuth2Token: (accessToken: string) => Buffer.from(xoauth2Sasl(user, accessToken)).toString('base64'),
    };
    return this.step((resolve) => {
      this.connection.login({ user, method: 'XOAUTH2', oauth2 } as never, (error) => resolve(error ? { ok: false, failure: toFailure(error) } : { ok: true, value: undefined }));
    });
  }

  send(envelope: Envelope, raw: Buffer): Promise<StepResult<{ response: string; rejected: string[] }>> {
    return this.step((resolve) => {
      this.connection.send({ from: envelope.from, to: envelope.to }, raw, (error, info) => {
        if (error) return resolve({ ok: false, failure: toFailure(error) });
        const rejected = (info?.rejected ?? []).map(String);
        resolve({ ok: true, value: { response: String(info?.response ?? ''), rejected } });
      });
    });
  }

  /** Ends the session politely (QUIT) when idle, or abruptly when cut off mid-command. */
  close(polite = false): void {
    if (this.closed) return;
    this.closed = true;
    if (polite) this.connection.quit();
    else this.connection.close();
  }
}

/** The XOAUTH2 initial response before base64; registered with the redactor as a secret form. */
export function xoauth2Sasl(user: string, token: string): string {
  return `user=${user}\u0001auth=Bearer ${token}\u0001\u0001`;
}

function toFailure(error: unknown): SmtpFailure {
  const e = error as Partial<SmtpFailure> & { message?: string };
  const failure: SmtpFailure = { message: e.message ?? String(error) };
  if (e.code) failure.code = e.code;
  if (e.originalCode) failure.originalCode = e.originalCode;
  if (typeof e.responseCode === 'number') failure.responseCode = e.responseCode;
  if (typeof e.response === 'string') failure.response = e.response;
  if (e.command) failure.command = e.command;
  return failure;
}
