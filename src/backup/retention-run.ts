import type { BackupSetConfig } from '../config/schema/index.js';
import { formatDuration } from '../config/duration.js';
import type { Activity, ActivityStatus, ActivityTrigger } from '../domain/activity.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { ActivityStore } from '../storage/ports/activity-store.js';
import type { BackupEngine, EnginePruneResult } from './engine.js';
import { capLog } from './log-cap.js';
import { ABANDONED, startRunDeadline } from './run-deadline.js';

/**
 * Retention as the service applies it: a set with a `keep:` policy is pruned after each
 * successful backup, or — when it has a `prune:` schedule — only on that schedule (the
 * scheduler calls it). Each prune is an activity of kind `prune` in the activity log.
 */

/** Whether retention follows this backup: a keep policy, no prune schedule, and a good snapshot. */
export function retainsAfterBackup(set: BackupSetConfig, status: ActivityStatus): boolean {
  if (set.engine === 'command' || !set.keep || set.prune) return false;
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
  const id = await deps.activity.start({ kind: 'prune', set: setName, engine: set.engine, trigger: options.trigger, startedAt: deps.clock.now(), scheduledFor: options.scheduledFor ?? null, owner: deps.owner });
  options.onStart?.(id);
  const deadline = startRunDeadline({ timeoutMs: set.timeout, graceMs: deps.graceMs, parent: options.signal, reason: `timed out after ${formatDuration(set.timeout)}` });
  let result: EnginePruneResult;
  try {
    const work = engine
      .prune({ name: setName, config: set as unknown as Record<string, unknown>, dataDir: deps.dataDir, signal: deadline.signal, ...(options.allowRoot ? { allowRoot: true } : {}) })
      .catch((error: unknown): EnginePruneResult => ({ status: 'failed', log: [{ severity: 'error', message: `prune crashed: ${(error as Error).message}` }] }));
    const outcome = await deadline.settle(work);
    result = outcome === ABANDONED ? { status: 'incomplete', log: [{ severity: 'error', message: `the ${set.engine} engine did not stop pruning within ${formatDuration(deps.graceMs)} of being stopped` }] } : outcome;
    if (deadline.timedOut && result.status !== 'completed') result = { status: 'incomplete', log: [{ severity: 'error', message: `prune did not finish within the timeout of ${formatDuration(set.timeout)} (sets.${setName}.timeout)` }, ...result.log] };
  } finally {
    deadline.dispose();
  }
  if (result.status !== 'completed') deps.log.error(`retention of set ${setName} ended ${result.status}`, { error: result.log.find((e) => e.severity === 'error')?.message ?? '' });
  const { log, dropped } = capLog(result.log);
  const errors = result.log.filter((e) => e.severity === 'error' || e.severity === 'critical').length;
  const warnings = result.log.filter((e) => e.severity === 'warning').length;
  return deps.activity.finish(id, { status: result.status, endedAt: deps.clock.now(), counters: { files: 0, bytesScanned: 0, bytesNew: 0, errors, warnings }, log, logDropped: dropped });
}
