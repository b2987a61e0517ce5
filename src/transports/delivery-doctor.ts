import type { OutcomeKind } from '../domain/outcome.js';
import type { DoctorCheck } from './mailclient/doctor.js';
import { deliveryHint } from './hints.js';

/** The last attempt through one server (or program, or mailbox) of one profile. */
export interface LastAttempt {
  profile: string;
  server: string;
  at: number;
  outcome: string;
  errorCode: string | null;
  detail: string;
}

export interface DeliveryDoctorInput {
  now: number;
  /** The profile notifications use, with what it delivers through (`host:port`, Graph's host). */
  active: { name: string; method: string; servers: string[] } | undefined;
  profiles: Array<{ name: string; method: string; servers: string[]; pausedUntil: number | null; pauseReason: string | null }>;
  /** Critical messages still undelivered (in the Outbox, or a local MTA queue) after notification.escalateAfter, oldest first. */
  criticalWaiting: Array<{ id: string; subject: string; createdAt: number; profile: string; lastError: string | null }>;
  /** How many messages (any priority) are pending longer than mail.stuckAfter. */
  stuck: number;
  lastAttempts: LastAttempt[];
}

const HEALTHY: ReadonlySet<string> = new Set<OutcomeKind>(['accepted', 'queued-locally']);
const BROKEN: ReadonlySet<string> = new Set<OutcomeKind>(['credentials', 'permanent']);

/**
 * `vigil mail doctor` for every method (smtp, graph, client, maildir): is the active profile
 * paused and why, do critical messages wait, and how did the last attempt through each server
 * end. Stable ids (DL…), a hint per problem. Pure: the command reads the state and passes it in.
 */
export function deliveryChecks(input: DeliveryDoctorInput): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const active = input.active;
  if (!active) {
    checks.push({ id: 'DL001', status: 'problem', message: 'no active Mail Profile: nothing can be delivered', hint: 'Set mail.profile, or define exactly one profile.' });
  } else {
    const through = active.servers.length ? `, ${active.method === 'smtp' ? 'servers' : 'through'} ${active.servers.join(', ')}` : '';
    checks.push({ id: 'DL001', status: 'ok', message: `active profile "${active.name}": ${active.method}${through}` });
  }

  for (const profile of input.profiles) {
    const paused = profile.pausedUntil !== null && profile.pausedUntil > input.now;
    const isActive = profile.name === active?.name;
    if (!paused) {
      if (isActive) checks.push({ id: 'DL010', status: 'ok', message: `profile "${profile.name}" is not paused` });
      continue;
    }
    checks.push({
      id: 'DL010',
      // Another profile is only the escalation route: worth fixing, but mail still goes out.
      status: isActive ? 'problem' : 'warning',
      message: `profile "${profile.name}" is paused until ${utc(profile.pausedUntil!)}: ${profile.pauseReason ?? 'no reason recorded'}`,
      hint: `Its messages wait (no retries burnt). Fix the cause (see DL030 and \`vigil outbox show\`), then \`vigil mail test --profile ${profile.name}\`: a successful test resumes the profile.`,
    });
  }

  const waiting = input.criticalWaiting;
  if (waiting.length === 0) checks.push({ id: 'DL020', status: 'ok', message: 'no critical message waiting longer than notification.escalateAfter' });
  else {
    const oldest = waiting[0]!;
    checks.push({
      id: 'DL020',
      status: 'problem',
      message: `${waiting.length} critical message(s) undelivered after notification.escalateAfter, the oldest "${oldest.subject}" since ${utc(oldest.createdAt)} (${oldest.id}, profile ${oldest.profile})${oldest.lastError ? `: ${oldest.lastError}` : ''}`,
      hint: `\`vigil outbox show ${oldest.id}\` shows every attempt; once the cause is fixed, \`vigil outbox deliver\` sends what waits in the Outbox (a local MTA sends its queue when its daemon runs: \`mailq\`).`,
    });
  }
  if (input.stuck > waiting.length) {
    checks.push({
      id: 'DL021',
      status: 'warning',
      message: `${input.stuck} message(s) pending longer than mail.stuckAfter`,
      hint: '`vigil outbox list --state deferred` lists them with their last error.',
    });
  }

  for (const profile of input.profiles) {
    const isActive = profile.name === active?.name;
    const attempts = input.lastAttempts.filter((a) => a.profile === profile.name);
    const servers = [...new Set([...profile.servers, ...attempts.map((a) => a.server)])];
    for (const server of servers) {
      const last = attempts.find((a) => a.server === server);
      const where = `${server} (profile ${profile.name})`;
      if (!last) {
        if (isActive) checks.push({ id: 'DL030', status: 'info', message: `${where}: no attempt yet; \`vigil mail test\` tries it` });
        continue;
      }
      const said = `${where}: last attempt ${utc(last.at)} ${last.outcome}${last.errorCode ? ` ${last.errorCode}` : ''}: ${last.detail}`;
      if (HEALTHY.has(last.outcome)) checks.push({ id: 'DL030', status: 'ok', message: said });
      else {
        const hint =
          deliveryHint({ kind: last.outcome as OutcomeKind, detail: last.detail, transcript: '', ...(last.errorCode ? { errorCode: last.errorCode as never } : {}) }) ??
          `\`vigil mail test --profile ${profile.name}\` tries again and prints the transcript.`;
        const status = BROKEN.has(last.outcome) && isActive ? 'problem' : 'warning';
        checks.push({ id: 'DL030', status, message: said, hint });
      }
    }
  }
  return checks;
}

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
