import type { Clock } from '../../domain/clock.js';
import type { ErrorCode } from '../../domain/errors.js';
import type { OutgoingMessage } from '../../domain/message.js';
import type { DeliveryOutcome } from '../../domain/outcome.js';
import type { Transport, TransportTimings } from '../../domain/transport.js';
import { classifyRun, type Verdict } from './classify.js';
import { minimalEnv, optionLikeRecipient, sendmailArgs, type MailClient } from './mail-client.js';
import type { ProgramLocks } from './program-locks.js';
import type { ProgramResult, ProgramRunner } from './program-runner.js';

/** The clients to try, in order, and why the others were left out. */
export interface ClientChoice {
  clients: MailClient[];
  skipped: Array<{ name: string; reason: string }>;
}

/** Where the clients come from: detection and preference (selection.ts), or a fixed list. */
export interface ClientSource {
  /** Never rejects; may cache. */
  choose(signal: AbortSignal): Promise<ClientChoice>;
}

/** A message a spooling program took: the queue watch looks for it there later. */
export interface HandOff {
  outboxId: string;
  messageId: string;
  client: string;
  program: string;
  queueListing: MailClient['queueListing'];
  sender: string;
  recipients: string[];
  handedAt: number;
}

/** Remembers hand-offs to spooling programs (SQLite in the service). */
export interface HandOffRecorder {
  /** Idempotent per outboxId: a later hand-off of the same message replaces the earlier one. */
  record(handOff: HandOff): Promise<void>;
}

export interface MailClientTransportOptions {
  source: ClientSource;
  runner: ProgramRunner;
  locks: ProgramLocks;
  clock: Clock;
  /** Per program run: then SIGTERM to its process group. */
  timeoutMs: number;
  /** After SIGTERM, before SIGKILL. */
  graceMs: number;
  /** HOME and USER of the account the service runs as: where the programs find their configuration. */
  account: { HOME?: string; USER?: string };
  recorder?: HandOffRecorder;
  /** At most this many clients per attempt, so one attempt stays bounded. Default 3. */
  maxClientsPerAttempt?: number;
}

const TRANSCRIPT_STDERR_CAP = 4_000;

/**
 * Delivers by handing the message to a local sendmail-compatible program: the first client of
 * the preference list that is installed and allowed; when it fails temporarily or cannot run,
 * the next. Exit statuses are classified by classify.ts; a spooling program's exit 0 is
 * `queued-locally`, never `accepted`.
 */
export class MailClientTransport implements Transport {
  readonly kind = 'client';
  readonly timings: TransportTimings;

  constructor(private readonly options: MailClientTransportOptions) {
    const perClient = options.timeoutMs * 2 + options.graceMs * 2 + 2_000; // lock wait + run + kill
    this.timings = { attemptDeadlineMs: perClient * this.maxClients() };
  }

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    try {
      return await this.deliver(message, signal);
    } catch (error) {
      return { kind: 'temporary', detail: `mail client transport failed: ${(error as Error).message}`, errorCode: 'ERR_INTERNAL', transcript: '' };
    }
  }

  private maxClients(): number {
    return Math.max(1, this.options.maxClientsPerAttempt ?? 3);
  }

  private async deliver(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    const choice = await this.options.source.choose(signal);
    const transcript: string[] = choice.skipped.map((skip) => `skipped ${skip.name}: ${skip.reason}`);
    if (choice.clients.length === 0) {
      return {
        kind: 'credentials',
        detail: `no usable mail client: ${choice.skipped.map((skip) => `${skip.name}: ${skip.reason}`).join('; ') || 'mail.clientsSupported is empty'}`,
        errorCode: 'ERR_MAILCLIENT_NONE',
        transcript: transcript.join('\n'),
      };
    }

    const failures: Array<{ client: MailClient; verdict: Verdict }> = [];
    for (const client of choice.clients.slice(0, this.maxClients())) {
      if (signal.aborted) break;
      const verdict = await this.tryClient(client, message, signal, transcript);
      if (!verdict.tryNext) return this.outcome(client, verdict, message, transcript);
      failures.push({ client, verdict });
    }
    const worst = failures.find((failure) => failure.verdict.kind === 'credentials') ?? failures[0];
    if (!worst) {
      return { kind: 'temporary', detail: 'stopped before any mail client ran', errorCode: 'ERR_MAILCLIENT_EXIT', transcript: transcript.join('\n') };
    }
    const summary = failures.map((failure) => failure.verdict.detail).join('; ');
    return this.outcome(worst.client, { ...worst.verdict, detail: summary }, message, transcript);
  }

  private async tryClient(client: MailClient, message: OutgoingMessage, signal: AbortSignal, transcript: string[]): Promise<Verdict> {
    const refused = optionLikeRecipient(client, message.envelope.to);
    if (refused) {
      return { kind: 'permanent', detail: `${client.name} cannot be given the recipient "${refused}" safely (it does not understand "--")`, errorCode: 'ERR_ADDRESS_INVALID', tryNext: true };
    }
    const { timeoutMs, graceMs } = this.options;
    // A controller per wait rather than AbortSignal.any(), which on Node 20 keeps every composed
    // signal referenced by the long-lived shutdown signal.
    const waitLimit = new AbortController();
    const waitTimer = setTimeout(() => waitLimit.abort(), timeoutMs + graceMs);
    const onShutdown = () => waitLimit.abort();
    signal.addEventListener('abort', onShutdown, { once: true });
    if (signal.aborted) waitLimit.abort();
    const release = await this.options.locks.acquire(client.realPath ?? client.path, waitLimit.signal).finally(() => {
      clearTimeout(waitTimer);
      signal.removeEventListener('abort', onShutdown);
    });
    if (!release) {
      const detail = signal.aborted ? `${client.name}: stopped while waiting for the program` : `${client.name} was busy with another message for longer than the deadline`;
      return { kind: 'temporary', detail, errorCode: 'ERR_MAILCLIENT_BUSY', tryNext: true };
    }
    try {
      const args = sendmailArgs(client, message.envelope);
      transcript.push(`$ ${[client.path, ...args].join(' ')}   (${message.raw.length} bytes on stdin)`);
      const run = await this.options.runner.run({
        path: client.path,
        args,
        stdin: message.raw,
        env: minimalEnv(this.options.account, client.env),
        deadlineMs: timeoutMs,
        graceMs,
        signal,
      });
      transcript.push(describeRun(run));
      return classifyRun(client.name, client, run);
    } finally {
      release();
    }
  }

  private async outcome(client: MailClient, verdict: Verdict, message: OutgoingMessage, transcript: string[]): Promise<DeliveryOutcome> {
    if (verdict.kind === 'queued-locally' && this.options.recorder) {
      try {
        await this.options.recorder.record({
          outboxId: message.id,
          messageId: message.messageId,
          client: client.name,
          program: client.path,
          queueListing: client.queueListing,
          sender: message.envelope.from,
          recipients: [...message.envelope.to],
          handedAt: this.options.clock.now(),
        });
      } catch (error) {
        transcript.push(`could not record the hand-off for the queue watch: ${(error as Error).message}`);
      }
    }
    const outcome: DeliveryOutcome = {
      kind: verdict.kind,
      detail: verdict.detail,
      server: `${client.name} (${client.path})`,
      transcript: transcript.join('\n'),
    };
    const errorCode: ErrorCode | undefined = verdict.errorCode;
    if (errorCode) outcome.errorCode = errorCode;
    if (verdict.reply) outcome.reply = verdict.reply;
    return outcome;
  }
}

function describeRun(run: ProgramResult): string {
  const lines: string[] = [];
  if (run.spawnError) lines.push(`not started: ${run.spawnError.code} ${run.spawnError.message}`);
  else if (run.exitCode !== null) lines.push(`exit ${run.exitCode} after ${run.durationMs} ms`);
  else lines.push(`ended by ${run.exitSignal ?? run.killedWith} after ${run.durationMs} ms`);
  if (run.ended !== 'no') lines.push(`Vigil ended it (${run.ended}) with ${run.killedWith}`);
  if (!run.stdinComplete && !run.spawnError) lines.push('the message was not fully read');
  const stderr = run.stderr.trim();
  if (stderr) lines.push(`stderr: ${stderr.length > TRANSCRIPT_STDERR_CAP ? `${stderr.slice(0, TRANSCRIPT_STDERR_CAP)}…` : stderr}`);
  return lines.join('\n');
}
