import type { OutgoingMessage } from '../../domain/message.js';
import { parseSmtpReply, type DeliveryOutcome } from '../../domain/outcome.js';
import type { Transport } from '../../domain/transport.js';
import { classifySmtpFailure } from './classify.js';
import { SmtpSession, type SessionOptions } from './smtp-session.js';
import type { TokenCache } from '../oauth/token-cache.js';
import { xoauth2Login } from './xoauth2-login.js';
import { plaintextAuthRefusal } from './plaintext-auth.js';

/** A password, or a cache of OAuth2 access tokens for SASL XOAUTH2. */
export type SmtpCredentials = { user: string; pass: string } | { user: string; tokens: TokenCache };

export interface SmtpTarget extends SessionOptions {
  /** Credentials, fetched per connection (so a refreshed OAuth token is picked up). */
  auth?: () => Promise<SmtpCredentials>;
  /** Connections kept open to this server at most. */
  maxConnections: number;
  /**
   * How long a message may wait for one of those connections to become free (default:
   * `timeoutMs`). The wait is our own queue, so it is not part of the attempt's deadline; a wait
   * that runs out is reported as not tried (DeliveryOutcome.notTried).
   */
  connectionWaitMs?: number;
  /** A connection is replaced after this many messages (servers limit sessions too). */
  maxMessagesPerConnection?: number;
  /** Send credentials over an unencrypted connection (security: none) all the same. */
  allowPlaintextAuth?: boolean;
  /** Strips secrets from transcripts. */
  redact: (text: string) => string;
}

// Servers drop idle sessions after a while anyway (Postfix: 300 s); we let go sooner.
const IDLE_CLOSE_MS = 30_000;

/**
 * Delivers to one SMTP server over a small pool of reused connections, sending the stored
 * message bytes as they are (`raw`). Each attempt has a hard deadline (`timeoutMs`) from the
 * moment it has a connection: when it runs out the connection is cut, whatever stage it is in.
 * The wait for a free connection before that has a deadline of its own (`connectionWaitMs`).
 */
export class SmtpTransport implements Transport {
  readonly kind = 'smtp';
  private readonly idle: SmtpSession[] = [];
  private readonly idleTimers = new Map<SmtpSession, NodeJS.Timeout>();
  private open = 0;
  private readonly waiters: Array<(session: SmtpSession) => void> = [];
  private closing = false;

  constructor(private readonly target: SmtpTarget) {}

  get server(): string {
    return `${this.target.host}:${this.target.port}`;
  }

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    // The deadline starts once there is a connection: a message queued behind slow ones (more
    // messages in flight than connections) must not spend the time meant for the server waiting
    // for its turn, and then be counted as the server's failure.
    const session = await this.within(this.target.connectionWaitMs ?? this.target.timeoutMs, signal, (cutoff) => this.acquire(cutoff));
    if (!session.value) {
      return this.outcome(undefined, {
        kind: 'temporary',
        errorCode: 'ERR_SMTP_NO_CONNECTION_FREE',
        detail: signal.aborted
          ? `not tried: Vigil was shutting down while the message waited for a connection to ${this.server}`
          : `not tried: no connection to ${this.server} became free within ${session.limitMs} ms (all ${this.target.maxConnections} busy with other messages)`,
        notTried: true,
      });
    }
    const acquired = session.value;
    return (await this.within(this.target.timeoutMs, signal, (cutoff, deadline) => this.attempt(acquired, message, signal, cutoff, deadline))).value;
  }

  /**
   * Runs `work` with a signal that aborts when `limitMs` runs out (then `deadline.aborted`) or at
   * shutdown. Not AbortSignal.any(): on Node 20 every signal composed with the long-lived shutdown
   * signal stays referenced by it, one leak per message. A controller per use, a timer and a
   * listener removed at the end keep nothing alive.
   */
  private async within<T>(limitMs: number, signal: AbortSignal, work: (cutoff: AbortSignal, deadline: { aborted: boolean }) => Promise<T>): Promise<{ value: T; limitMs: number }> {
    const cutoff = new AbortController();
    const deadline = { aborted: false };
    const timer = setTimeout(() => {
      deadline.aborted = true;
      cutoff.abort();
    }, limitMs);
    const onShutdown = () => cutoff.abort();
    signal.addEventListener('abort', onShutdown, { once: true });
    if (signal.aborted) cutoff.abort();
    try {
      return { value: await work(cutoff.signal, deadline), limitMs };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onShutdown);
    }
  }

  private async attempt(session: SmtpSession, message: OutgoingMessage, signal: AbortSignal, cutoff: AbortSignal, deadline: { aborted: boolean }): Promise<DeliveryOutcome> {
    const reused = session.usable;
    session.recorder.begin();
    if (reused) session.recorder.note(`* reusing the connection to ${this.server}`);
    let phase: 'connect' | 'auth' | 'send' = 'connect';
    const attempt = (async (): Promise<DeliveryOutcome> => {
      if (!reused) {
        session.recorder.note(`* connecting to ${this.server} (${this.target.security})`);
        const connected = await session.connect();
        if (!connected.ok) return this.failed(session, connected.failure, phase, signal, deadline);
        if (this.target.auth) {
          phase = 'auth';
          const refused = plaintextAuthRefusal(session, this.target);
          if (refused) {
            session.close();
            return this.outcome(session, refused);
          }
          const credentials = await this.target.auth();
          if ('pass' in credentials) {
            const loggedIn = await session.login({ user: credentials.user, pass: credentials.pass });
            if (!loggedIn.ok) return this.failed(session, loggedIn.failure, phase, signal, deadline);
          } else {
            const loggedIn = await xoauth2Login(session, credentials.user, credentials.tokens, cutoff);
            if (!loggedIn.ok && 'outcome' in loggedIn) {
              session.close();
              return this.outcome(session, loggedIn.outcome);
            }
            if (!loggedIn.ok) {
              const refused = this.failed(session, loggedIn.failure, phase, signal, deadline);
              // Say it was the token, so hints speak of SMTP.SendAsApp rather than passwords.
              return refused.errorCode === 'ERR_SMTP_AUTH' ? { ...refused, detail: `the server refused the OAuth2 access token (XOAUTH2): ${refused.detail.replace(/^the server refused authentication: /, '')}` } : refused;
            }
          }
        }
      }
      phase = 'send';
      const sent = await session.send(message.envelope, message.raw);
      if (!sent.ok) return this.failed(session, sent.failure, phase, signal, deadline);
      session.messagesSent++;
      const reply = parseSmtpReply(sent.value.response);
      const rejected = sent.value.rejected.length ? `; refused for ${sent.value.rejected.join(', ')}` : '';
      return this.outcome(session, {
        kind: 'accepted',
        detail: `accepted by ${this.server}${rejected}`,
        ...(reply ? { reply } : {}),
      });
    })();
    const cut = new Promise<'cut'>((resolve) => {
      if (cutoff.aborted) resolve('cut');
      cutoff.addEventListener('abort', () => resolve('cut'), { once: true });
    });
    try {
      const first = await Promise.race([attempt, cut]);
      if (first !== 'cut') return first;
      session.close();
      session.recorder.note(deadline.aborted ? '* deadline reached: connection cut' : '* shutting down: connection cut');
      return this.outcome(
        session,
        classifySmtpFailure(
          { message: 'cut off' },
          { dataSent: session.recorder.dataSent, timedOut: deadline.aborted, shuttingDown: !deadline.aborted, phase, timeoutMs: this.target.timeoutMs },
        ),
      );
    } finally {
      this.release(session);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    for (const session of this.idle.splice(0)) session.close(true);
  }

  private failed(
    session: SmtpSession,
    failure: Parameters<typeof classifySmtpFailure>[0],
    phase: 'connect' | 'auth' | 'send',
    signal: AbortSignal,
    deadline: { aborted: boolean },
  ): DeliveryOutcome {
    // After any failure the session is in an unknown state: never reuse it.
    session.close();
    const classified = classifySmtpFailure(failure, {
      dataSent: session.recorder.dataSent,
      timedOut: deadline.aborted,
      shuttingDown: signal.aborted && !deadline.aborted,
      phase,
      timeoutMs: this.target.timeoutMs,
    });
    return this.outcome(session, classified);
  }

  private outcome(session: SmtpSession | undefined, partial: Omit<DeliveryOutcome, 'server' | 'transcript'>): DeliveryOutcome {
    const transcript = this.target.redact(session?.recorder.text() ?? '');
    // The reply is stored (attempts.reply_text, the message's last error) and shown: a server
    // that echoes what it was given (a password it refused) must not put it there either.
    const reply = partial.reply ? { reply: { ...partial.reply, text: this.target.redact(partial.reply.text) } } : {};
    return { ...partial, ...reply, detail: this.target.redact(partial.detail), server: this.server, transcript };
  }

  /** A free session (connected or not yet), or undefined if `cutoff` fires first. */
  private acquire(cutoff: AbortSignal): Promise<SmtpSession | undefined> {
    let session = this.idle.pop();
    while (session) {
      clearTimeout(this.idleTimers.get(session));
      this.idleTimers.delete(session);
      if (session.usable) return Promise.resolve(session);
      // The server hung up on this idle session (restart, its own idle limit): a destroyed
      // connection cannot connect again, so it gives its place to a new one.
      this.open--;
      session = this.idle.pop();
    }
    if (this.open < this.target.maxConnections) {
      this.open++;
      return Promise.resolve(new SmtpSession(this.target));
    }
    // An abort event has already fired (shutdown before the wait began): it would never come again.
    if (cutoff.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter = (s: SmtpSession) => {
        cutoff.removeEventListener('abort', onAbort);
        resolve(s);
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(undefined);
      };
      cutoff.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(session: SmtpSession): void {
    const worn = session.messagesSent >= (this.target.maxMessagesPerConnection ?? 100);
    const next = session.usable && !worn && !this.closing ? session : undefined;
    if (!next) {
      session.close(true);
      this.open--;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      if (next) return waiter(next);
      this.open++;
      return waiter(new SmtpSession(this.target));
    }
    if (next) {
      this.idle.push(next);
      const timer = setTimeout(() => {
        const index = this.idle.indexOf(next);
        if (index >= 0) {
          this.idle.splice(index, 1);
          this.idleTimers.delete(next);
          next.close(true);
          this.open--;
        }
      }, IDLE_CLOSE_MS);
      timer.unref();
      this.idleTimers.set(next, timer);
    }
  }
}
