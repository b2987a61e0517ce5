import type { BackupSetConfig } from '../config/schema/index.js';
import { formatDuration } from '../config/duration.js';
import type { Activity, ActivityStatus, ActivityTrigger } from '../domain/activity.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { ActivityStore } from '../storage/ports/activity-store.js';
import type { BackupEngine, EnginePruneResult } from './engine.js';
import { startActivity } from './recorded-activity.js';
import { ABANDONED, startRunDeadline } from './run-deadline.js';

/**
 * Retention as the service applies it: a set with a `keep:` policy is pruned after each
 * successful backup, or — when it has a `prune:` schedule — only on that schedule (the
 * scheduler calls it). Each prune is an activity of kind `prune` in the activity log.
 */

/** Whether retention follows this backup: a keep policy, no prune schedule, and a good snapshot. */
export function retainsAfterBackup(set: BackupSetConfig, status: ActivityStatus): boolean {
  // Only the engines with retention have `keep:` in their schema.
  if (!('keep' in set) || !set.keep || set.prune) return false;
  // A partial snapshot (completed-with-errors) must not push a complete one out of `last: n`.
  return status === 'completed' || status === 'completed-with-warnings';
}

export interface PruneDeps {
  activity: ActivityStore;
  clock: Clock;
  log: Logger;
  dataDir: string;
  owner: { host: string; pid: number };
  graceMs: number;
}

export interface PruneRunOptions {
  trigger: ActivityTrigger;
  signal?: AbortSignal | undefined;
  scheduledFor?: number | undefined;
  allowRoot?: boolean | undefined;
  onStart?: (activityId: number) => void;
}

/** Runs the engine's prune for a set and records it. Never throws for a prune problem: it is the activity's status. */
export async function recordPrune(deps: PruneDeps, setName: string, set: BackupSetConfig, engine: BackupEngine & Required<Pick<BackupEngine, 'prune'>>, options: PruneRunOptions): Promise<Activity> {
  const running = await startActivity(deps, { kind: 'prune', set: setName, engine: set.engine, trigger: options.trigger, scheduledFor: options.scheduledFor ?? null });
  options.onStart?.(running.id);
  const deadline = startRunDeadline({ timeoutMs: set.timeout, graceMs: deps.graceMs, parent: options.signal, reason: `timed out after ${formatDuration(set.timeout)}` });
  let result: EnginePruneResult;
  try {
    const work = engine
      .prune({ name: setName, config: set, dataDir: deps.dataDir, signal: deadline.signal, ...(options.allowRoot ? { allowRoot: true } : {}) })
      .catch((error: unknown): EnginePruneResult => ({ status: 'failed', log: [{ severity: 'error', message: `prune crashed: ${(error as Error).message}` }] }));
    const outcome = await deadline.settle(work);
    result = outcome === ABANDONED ? { status: 'incomplete', log: [{ severity: 'error', message: `the ${set.engine} engine did not stop pruning within ${formatDuration(deps.graceMs)} of being stopped` }] } : outcome;
    if (deadline.timedOut && result.status !== 'completed') result = { status: 'incomplete', log: [{ severity: 'error', message: `prune did not finish within the timeout of ${formatDuration(set.timeout)} (sets.${setName}.timeout)` }, ...result.log] };
  } finally {
    deadline.dispose();
  }
  if (result.status !== 'completed') deps.log.error(`retention of set ${setName} ended ${result.status}`, { error: result.log.find((e) => e.severity === 'error')?.message ?? '' });
  return running.finish(result);
}
