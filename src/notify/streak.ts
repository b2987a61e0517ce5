import type { FinalStatus } from '../domain/activity.js';
import type { RunStatus } from '../domain/run-status.js';
import type { StreakState } from '../domain/streak-state.js';
import { SUCCESS_STATUSES, type EffectiveRule } from './rules.js';

export type { StreakState } from '../domain/streak-state.js';

export type NotifyAction = 'alert' | 'reminder' | 'recovery' | 'status' | 'none';

export interface RunOutcome {
  status: FinalStatus;
  firstError: string | null;
  at: number;
}

export interface Decision {
  action: NotifyAction;
  /** The state to persist (equal to the input when nothing changes). */
  next: StreakState;
  /** For a recovery: the streak that just ended. */
  ended?: { failures: number; failingSince: number | null; lastStatus: string | null };
}

export function emptyStreak(set: string): StreakState {
  return { set, failures: 0, failingSince: null, signature: null, alertedAt: null, lastStatus: null };
}

/** Digits change from run to run (byte counts, times, pids) without the failure changing. */
export function failureSignature(status: FinalStatus, firstError: string | null): string {
  return `${status}|${(firstError ?? '').replace(/\d+/g, '#').trim().slice(0, 200)}`;
}

/**
 * The throttling decision for one finished run. Pure.
 * - a status not in `on` that is not a success changes nothing and sends nothing;
 * - a failure alerts once the streak reaches `after`; while it fails the same way, a reminder at
 *   most every `remindEveryMs` (checked when a run ends: there is no timer); failing a different
 *   way alerts afresh;
 * - the first success after an alerted streak sends a recovery notice; a success in `on` with no
 *   streak to recover from sends a plain status message; `skipped` changes nothing.
 */
export function decide(state: StreakState, run: RunOutcome, rule: EffectiveRule, remindEveryMs: number): Decision {
  // None is news: a cancelled run was stopped by the person who started it; an interrupted one
  // by a clean service stop, and the scheduler retries it at start or reports it `missed`.
  if (run.status === 'skipped' || run.status === 'cancelled' || run.status === 'interrupted') return { action: 'none', next: state };
  const inOn = (rule.on as readonly string[]).includes(run.status);
  if ((SUCCESS_STATUSES as readonly string[]).includes(run.status)) {
    const next = emptyStreak(state.set);
    if (state.alertedAt !== null) {
      return { action: 'recovery', next, ended: { failures: state.failures, failingSince: state.failingSince, lastStatus: state.lastStatus } };
    }
    return { action: inOn ? 'status' : 'none', next };
  }
  if (!inOn) return { action: 'none', next: state };
  const signature = failureSignature(run.status, run.firstError);
  const next: StreakState = {
    set: state.set,
    failures: state.failures + 1,
    failingSince: state.failingSince ?? run.at,
    signature,
    alertedAt: state.alertedAt,
    lastStatus: run.status as RunStatus,
  };
  if (next.failures < rule.after) return { action: 'none', next };
  if (state.alertedAt === null || state.signature !== signature) return { action: 'alert', next: { ...next, alertedAt: run.at } };
  // A clock moved backwards counts as "not yet": never a reminder storm after a clock fix.
  if (run.at - state.alertedAt >= remindEveryMs) return { action: 'reminder', next: { ...next, alertedAt: run.at } };
  return { action: 'none', next };
}
