import type { ErrorCode } from '../../domain/errors.js';
import { parseSmtpReply, formatReply, type OutcomeKind, type SmtpReply } from '../../domain/outcome.js';
import type { KnownClient } from './catalogue.js';
import type { ProgramResult } from './program-runner.js';
import { describeExit, EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, SYSEXITS } from './sysexits.js';

/** What the classification of one program run needs to know about the program. */
export type ClassifyTraits = Pick<KnownClient, 'coupling' | 'replyOnStderr' | 'exitMeanings'>;

export interface Verdict {
  kind: OutcomeKind;
  detail: string;
  errorCode?: ErrorCode;
  reply?: SmtpReply;
  /**
   * The next client in the preference list should be tried now: this one could not run, or
   * failed temporarily. Never after anything that may have delivered or queued the message.
   */
  tryNext: boolean;
}

/** The SMTP reply a program printed on stderr: msmtp's `server message: 550 …`, ssmtp's `ssmtp: 550 …`. */
export function replyFromStderr(stderr: string): SmtpReply | undefined {
  const lines = stderr.split(/\r?\n/);
  for (const line of lines) {
    const match = /server message:\s*(.*)$/.exec(line);
    const reply = match ? parseSmtpReply(match[1]) : undefined;
    if (reply && reply.code >= 400) return reply;
  }
  for (const line of lines) {
    const match = /^[\w.-]+:\s+([45]\d\d[ -].*)$/.exec(line.trim());
    const reply = match ? parseSmtpReply(match[1]) : undefined;
    if (reply) return reply;
  }
  return undefined;
}

function fromReply(reply: SmtpReply, program: string): Verdict {
  const said = `${program}: the relay answered ${formatReply(reply)}`;
  if (reply.code >= 400 && reply.code < 500) return { kind: 'temporary', detail: said, errorCode: 'ERR_SMTP_DEFERRED', reply, tryNext: true };
  if (reply.code === 530 || reply.code === 535 || reply.code === 534) {
    return { kind: 'credentials', detail: said, errorCode: 'ERR_SMTP_AUTH', reply, tryNext: false };
  }
  if (reply.enhanced?.startsWith('5.7.')) return { kind: 'credentials', detail: said, errorCode: 'ERR_SMTP_POLICY', reply, tryNext: false };
  return { kind: 'permanent', detail: said, errorCode: 'ERR_SMTP_REJECTED', reply, tryNext: false };
}

/**
 * Classifies one run of a mail program, where the failure happened. Order matters:
 * 1. could not start / 126 / 127: not usable here, try the next client;
 * 2. ended by Vigil (deadline, shutdown) or by a signal: ambiguous once the whole message was
 *    written (it may have been sent or queued), temporary before;
 * 3. exit 0: accepted (tight coupling) or queued-locally (spooling);
 * 4. the program's own meanings (msmtp's reply on stderr, OpenSMTPD's offline save);
 * 5. sysexits.
 */
export function classifyRun(program: string, traits: ClassifyTraits, run: ProgramResult): Verdict {
  if (run.spawnError) {
    return { kind: 'temporary', detail: `${program} cannot be started: ${run.spawnError.code}`, errorCode: 'ERR_MAILCLIENT_UNUSABLE', tryNext: true };
  }
  if (run.ended !== 'no' || run.exitCode === null) {
    const why =
      run.ended === 'deadline'
        ? `did not finish within its deadline and was ended with ${run.killedWith}`
        : run.ended === 'aborted'
          ? `was stopped by shutdown (${run.killedWith})`
          : `was killed by ${run.exitSignal ?? 'a signal'}`;
    const errorCode: ErrorCode = run.ended === 'deadline' ? 'ERR_MAILCLIENT_TIMEOUT' : 'ERR_MAILCLIENT_EXIT';
    if (run.stdinComplete) {
      return { kind: 'ambiguous', detail: `${program} ${why} after the whole message was handed over: it may have been sent`, errorCode, tryNext: false };
    }
    return { kind: 'temporary', detail: `${program} ${why} before reading the whole message`, errorCode, tryNext: true };
  }

  const code = run.exitCode;
  if (code === 0) {
    if (!run.stdinComplete) {
      // Exit 0 without reading the message: a program that ignores stdin is not a mail client.
      return { kind: 'temporary', detail: `${program} exited 0 without reading the whole message`, errorCode: 'ERR_MAILCLIENT_UNUSABLE', tryNext: true };
    }
    return traits.coupling === 'tight'
      ? { kind: 'accepted', detail: `${program} exited 0: the relay accepted the message`, tryNext: false }
      : { kind: 'queued-locally', detail: `${program} exited 0: the message is in the local mail queue, not yet delivered`, tryNext: false };
  }
  if (code === EXIT_NOT_EXECUTABLE || code === EXIT_NOT_FOUND) {
    return { kind: 'temporary', detail: `${program} exited ${describeExit(code)}: not usable here`, errorCode: 'ERR_MAILCLIENT_UNUSABLE', tryNext: true };
  }

  const exited = `${program} exited ${describeExit(code)}`;
  const meaning = traits.exitMeanings[code];
  if (meaning === 'queued-locally') {
    return { kind: 'queued-locally', detail: `${exited}: the message was saved in its local queue (a retry would duplicate it)`, tryNext: false };
  }
  if (meaning === 'ambiguous') {
    return { kind: 'ambiguous', detail: `${exited} after the message was sent without the relay’s answer: it may have been delivered`, errorCode: 'ERR_MAILCLIENT_AMBIGUOUS', tryNext: false };
  }
  const reply = traits.replyOnStderr ? replyFromStderr(run.stderr) : undefined;
  if (reply && reply.code >= 400) return fromReply(reply, program);
  // 'read-reply' without a reply on stderr: the status alone is all there is.
  return fromSysexit(code, meaning === 'read-reply' ? `${exited} and printed no SMTP reply` : exited);
}

function fromSysexit(code: number, exited: string): Verdict {
  switch (code) {
    case SYSEXITS.EX_USAGE:
      return { kind: 'temporary', detail: `${exited}: it does not understand how Vigil calls it`, errorCode: 'ERR_MAILCLIENT_UNUSABLE', tryNext: true };
    case SYSEXITS.EX_DATAERR:
    case SYSEXITS.EX_NOUSER:
      return { kind: 'permanent', detail: `${exited}: the message or a recipient was refused`, errorCode: 'ERR_MAILCLIENT_REJECTED', tryNext: false };
    case SYSEXITS.EX_NOPERM:
    case SYSEXITS.EX_CONFIG:
      return {
        kind: 'credentials',
        detail: `${exited}: its configuration or credentials were refused`,
        errorCode: 'ERR_MAILCLIENT_CONFIG',
        tryNext: true,
      };
    default:
      // 66, 68–76 and anything unlisted (nullmailer's and exim's 1): worth another try later.
      return { kind: 'temporary', detail: `${exited}: a temporary failure`, errorCode: 'ERR_MAILCLIENT_EXIT', tryNext: true };
  }
}
