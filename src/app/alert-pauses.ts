import { parseDuration } from '../config/duration.js';
import type { VigilConfig } from '../config/schema/index.js';
import { VigilError } from '../domain/errors.js';
import { EVERY_SET, type AlertPause, type AlertPauseStore, type AlertSuppression } from '../storage/ports/alert-pause-store.js';

/**
 * Maintenance mode, as `vigil pause` / `vigil resume` and the console's Pause and Resume do it:
 * one code path, so a pause from either is the same row with the same checks.
 */

/** The sets named, each checked against the configuration (ERR_SET_UNKNOWN); none: every set. */
export function pauseTargets(sets: readonly string[], configured: VigilConfig['sets']): string[] {
  for (const set of sets) {
    if (!(set in configured)) {
      throw new VigilError('ERR_SET_UNKNOWN', `no backup set "${set}"`, { hint: `Sets are the keys under sets: in vigil.yaml: ${Object.keys(configured).join(', ') || '(none)'}.` });
    }
  }
  return sets.length ? [...sets] : [EVERY_SET];
}

/** `--for` / the console's "for": a positive duration (30m, 2h, 1d), or undefined for "until resumed". ERR_USAGE otherwise. */
export function pauseLength(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new VigilError('ERR_USAGE', `--for "${text}" is not a duration`, { hint: 'Give a duration such as 30m, 2h or 1d.' });
  return ms;
}

/** Pauses the alerts of `sets` (none: every set) from `now`, for `forMs` or until resumed; returns the pauses in force after. */
export async function pauseAlerts(store: AlertPauseStore, config: VigilConfig, sets: readonly string[], now: number, forMs: number | undefined): Promise<{ sets: string[]; active: AlertPause[] }> {
  const targets = pauseTargets(sets, config.sets);
  await store.pause(targets, now, forMs === undefined ? null : now + forMs);
  return { sets: targets, active: await store.active(now) };
}

/** Ends the pauses of `sets` (none: every pause); returns what they held back and what is still paused. */
export async function resumeAlerts(store: AlertPauseStore, config: VigilConfig, sets: readonly string[], now: number): Promise<{ sets: string[]; suppressed: AlertSuppression[]; stillPaused: AlertPause[] }> {
  const targets = pauseTargets(sets, config.sets);
  const suppressed = await store.resume(targets);
  // The resume stays as a pause that ended now (as the spool keeps one: spooling-alert-pauses.ts).
  // A deleted row says nothing, so an older pause a host's spool still holds from a PostgreSQL
  // outage would come back when it is copied in; this one is newer, and wins (migration 49).
  const ended = targets.includes(EVERY_SET) ? [EVERY_SET, ...Object.keys(config.sets)] : targets;
  await store.pause(ended, now, now);
  return { sets: targets, suppressed, stillPaused: await store.active(now) };
}
