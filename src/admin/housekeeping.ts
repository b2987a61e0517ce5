import type { BackupEngine, EngineLogEntry } from '../backup/engine.js';
import { engineCan } from '../backup/engine-operations.js';
import { startActivity } from '../backup/recorded-activity.js';
import type { VigilConfig } from '../config/schema/index.js';
import type { DataSubset } from '../domain/data-subset.js';
import { isVaultUnreachable } from '../domain/errors.js';
import type { Clock } from '../domain/clock.js';
import type { EventSink } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { RunStatus } from '../domain/run-status.js';
import type { HousekeepingReport } from '../domain/summary.js';
import type { Store } from '../storage/ports/store.js';

export interface HousekeeperDeps {
  config: VigilConfig;
  store: Pick<Store, 'activity' | 'housekeeping' | 'vaultChecks'>;
  clock: Clock;
  log: Logger;
  /** The engines by kind: each set's repository is checked by its engine's `verify`. */
  engines: ReadonlyMap<string, BackupEngine>;
  owner: { host: string; pid: number };
  /** Whether a backup of the set is running now (its vault is then left alone). */
  isBusy: (set: string) => Promise<boolean>;
  /** A check that finds damage (or cannot open the vault) is a critical service fault. */
  events?: EventSink;
}

/**
 * The Admin processes' housekeeping: retention (both processes) and, weekly, a check of every
 * vault or repository — its engine's `verify` (builtin verify, `restic check`) — that checks the structure
 * and reads back one slice of the data (every pack over admin.readDataWeeks weeks), each recorded
 * as a `validation` activity. Sets whose backup is running are not checked (never wait for a backup).
 */
export class Housekeeper {
  constructor(private readonly deps: HousekeeperDeps) {}

  /**
   * Deletes activities and final Outbox messages older than their retention, and notification's
   * bookkeeping with them: the ledger goes with the activities (after them, so rows of pruned
   * activities go too), escalations with the Outbox messages they are about.
   */
  async prune(): Promise<{ activities: number; messages: number; ledger: number; escalations: number }> {
    const now = this.deps.clock.now();
    const { retention } = this.deps.config.admin;
    const { housekeeping } = this.deps.store;
    const activities = await housekeeping.pruneActivities(now - retention.activity);
    const messages = await housekeeping.pruneMessages(now - retention.outbox);
    const ledger = await housekeeping.pruneNotifyLedger(now - retention.activity);
    const escalations = await housekeeping.pruneEscalations(now - retention.outbox);
    if (activities || messages || ledger || escalations) {
      this.deps.log.info(`housekeeping: pruned ${activities} activities and ${messages} Outbox messages older than the retention (${ledger} notification ledger rows, ${escalations} escalations)`);
    }
    return { activities, messages, ledger, escalations };
  }

  /** Checks the repository of every set whose engine can verify, one after the other. */
  async checkVaults(signal: AbortSignal): Promise<HousekeepingReport['checks']> {
    const checks: HousekeepingReport['checks'] = [];
    // Sets may share a vault or repository; a check covers all of it, so once per repository is enough.
    const checked = new Set<string>();
    for (const [name, set] of Object.entries(this.deps.config.sets)) {
      const engine = this.deps.engines.get(set.engine);
      if (!engine || !engineCan(engine, 'verify')) continue;
      const what = engine.verifyName ?? 'verify';
      if (signal.aborted) {
        checks.push({ set: name, what, status: 'not run', activityId: null, note: 'the service is stopping' });
        continue;
      }
      if (await this.deps.isBusy(name)) {
        checks.push({ set: name, what, status: 'not run', activityId: null, note: 'a backup of the set was running' });
        continue;
      }
      const context = { name, config: set, dataDir: this.deps.config.dataDir };
      const repository = engine.repositoryOf?.(context) ?? `${set.engine}:${name}`;
      if (checked.has(repository)) continue;
      checked.add(repository);
      checks.push(await this.rotated(repository, name, set.engine, what, (subset) => engine.verify({ ...context, signal, ...(subset ? { readData: true, readDataSubset: subset } : {}) })));
    }
    return checks;
  }

  /**
   * One check reading the next slice of the target's data (admin.readDataWeeks slices, one a
   * week). The rotation advances only when the check ran to the end (whatever it found), so a
   * vault that could not be opened, or a check stopped by a shutdown, reads the same slice next time.
   */
  private async rotated(target: string, set: string, engine: string, what: string, work: (subset: DataSubset | undefined) => Promise<{ status: RunStatus; log: EngineLogEntry[] }>): Promise<HousekeepingReport['checks'][number]> {
    const slices = this.deps.config.admin.readDataWeeks;
    const subset = slices > 0 ? { n: await this.deps.store.vaultChecks.next(target, slices), of: slices } : undefined;
    const check = await this.recorded(set, engine, what, () => work(subset));
    if (subset && check.status !== 'failed' && check.status !== 'incomplete' && check.status !== 'not run') {
      await this.deps.store.vaultChecks.done(target, slices, subset.n, this.deps.clock.now());
    }
    return check;
  }

  private async recorded(set: string, engine: string, what: string, work: () => Promise<{ status: RunStatus; log: EngineLogEntry[] }>): Promise<HousekeepingReport['checks'][number]> {
    const { store, clock } = this.deps;
    const running = await startActivity({ activity: store.activity, clock, owner: this.deps.owner }, { kind: 'validation', set, engine, trigger: 'service' });
    const id = running.id;
    let result: { status: RunStatus; log: EngineLogEntry[] };
    let hostDown = false;
    try {
      result = await work();
    } catch (error) {
      // A vault that cannot be opened (missing, wrong passphrase, locked) is a failed check, not a failed Admin.
      result = { status: 'failed', log: [{ severity: 'error', message: (error as Error).message }] };
      hostDown = isVaultUnreachable(error);
    }
    const activity = await running.finish(result);
    if (result.status !== 'completed') this.deps.log.warn(`housekeeping: ${what} of ${set}: ${result.status} (activity ${id})${activity.firstError ? `: ${activity.firstError}` : ''}`);
    // The backups may all report `completed` while the vault behind them cannot be restored from:
    // that is what the weekly check is for, so it must not wait for someone to read a summary.
    // (incomplete = stopped by the service shutting down, not a verdict on the vault.)
    if (hostDown) {
      // The check says nothing of the vault's data: its host is down or refuses us.
      this.deps.events?.emit({ kind: 'service.fault', fault: 'vault-unreachable', detail: `${what} of set ${set} stopped (vigil activity show ${id}): ${activity.firstError ?? ''}`, set, at: clock.now() });
    } else if (result.status === 'failed' || result.status === 'completed-with-errors') {
      this.deps.events?.emit({ kind: 'service.fault', fault: 'vault-check-failed', detail: `${what} of set ${set} ended ${result.status} (vigil activity show ${id})${activity.firstError ? `: ${activity.firstError}` : ''}`, set, at: clock.now() });
    }
    return { set, what, status: result.status, activityId: id, note: activity.firstError };
  }
}
