import type { Clock } from '../domain/clock.js';
import { RefusalPacing } from '../domain/refusal-pacing.js';
import { formatDuration } from '../domain/units.js';
import type { Store } from '../storage/ports/store.js';
import { isConnectionLost, redactUrl, type PgDatabase } from '../storage/postgres/database.js';
import { LocalSpool, type Router } from './local-spool.js';
import { flushSpool, spoolBusy } from './spool-flush.js';
import { databaseStreaks, spooledStreaks } from './spool-flush-notify.js';
import { SpoolingNotifyStateStore } from './spooling-notify-state.js';
import { SpoolingActivityStore, SpoolingOutboxStore } from './spooling-ports.js';
import { SpoolingScheduleStore } from './spooling-schedules.js';
import { SpoolingAlertPauseStore } from './spooling-alert-pauses.js';
import { SpoolingEscalationStore } from './spooling-escalations.js';
import { SpoolingProfileStore } from './spooling-profiles.js';
import { SpoolingVaultCheckStore } from './spooling-vault-checks.js';
import { SpoolingStormStore } from './spooling-storm.js';
import { writeBackHostState } from './spool-write-back.js';

// How often an unreachable database is looked at again, and a spool that was busy (a run in
// progress in it, a message being sent from it) tried for its flush again.
const PROBE_MS = 3_000;
// A database that answers but refuses the return's writes (refusal-pacing.ts): tried again after
// 3 s, 6 s, 12 s … at most every minute; its cause logged again after 15 minutes.
const REFUSED = { firstDelayMs: PROBE_MS, maxDelayMs: 60_000, remindMs: 15 * 60_000 };

/** What the app hears from the store about the database coming and going. */
export interface StoreFallbackListener {
  /** The database cannot be reached: from now on runs and messages go to the local spool. */
  unreachable(detail: string): void;
  /** A line for the log: the database is back, a spool was copied into it, a flush failed. */
  note(line: string, level: 'info' | 'warn'): void;
  /** Messages moved into the database's Outbox: deliver them. */
  flushed(): void;
  /**
   * The database answers but refuses the spool's write-back or flush (a privilege, a constraint):
   * the admin must act. Heard from the second refusal in a row, then again with the log's reminder.
   */
  refused(detail: string): void;
}

export interface StoreFallback {
  listen(listener: StoreFallbackListener): () => void;
}

/** The fallback of a store, when it has one (the service's PostgreSQL store). */
export function storeFallback(store: Store): StoreFallback | undefined {
  return (store as Store & { fallback?: StoreFallback }).fallback;
}

/**
 * The service's PostgreSQL store, kept working while PostgreSQL is down (docs/fleet.md). While
 * the database answers, every call goes to it. A call that finds it unreachable alerts that
 * (once per outage) and from then on runs, messages and the state notification keeps go to a
 * local SQLite spool in dataDir, whose Outbox the dispatcher keeps delivering; a probe looks for
 * the database every few seconds, and once it is back, new calls go to it again and the spool,
 * once still, is copied in (one idempotent transaction) and deleted. Leader duties, host
 * heartbeats, summaries and the console's aggregates wait for the database: they are about the
 * fleet, which only it knows.
 */
export class SpoolingStore implements Store, Router {
  readonly outbox: Store['outbox'];
  readonly activity: Store['activity'];
  readonly schedules: Store['schedules'];
  readonly profiles: Store['profiles'];
  readonly handOffs: Store['handOffs'];
  readonly notifyState: Store['notifyState'];
  readonly escalations: Store['escalations'];
  readonly storm: Store['storm'];
  readonly vaultChecks: Store['vaultChecks'];
  readonly alertPauses: Store['alertPauses'];
  readonly adminRuns: Store['adminRuns'];
  readonly watchdog: Store['watchdog'];
  readonly summary: Store['summary'];
  readonly fleetSummary: Store['fleetSummary'];
  readonly housekeeping: Store['housekeeping'];
  readonly metrics: Store['metrics'];
  readonly hosts: Store['hosts'];
  readonly leases: Store['leases'];
  readonly fallback: StoreFallback;

  private mode: 'primary' | 'local' = 'primary';
  private downSince = 0;
  private unheard: string | undefined;
  private current: LocalSpool | undefined;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly listeners = new Set<StoreFallbackListener>();
  private readonly scheduleStore: SpoolingScheduleStore;
  private readonly outboxStore: SpoolingOutboxStore;
  private readonly notifyStateStore: SpoolingNotifyStateStore;
  private readonly alertPauseStore: SpoolingAlertPauseStore;
  private readonly profileStore: SpoolingProfileStore;
  private readonly vaultCheckStore: SpoolingVaultCheckStore;
  private holds = 0;
  /** The spool in use has been seeded since the database was last found gone (seed). */
  private outageSeeded = true;
  private readonly refusals = new RefusalPacing(REFUSED);

  constructor(
    private readonly primary: Store,
    private readonly db: PgDatabase,
    private readonly options: { dataDir: string; host: string; clock: Clock },
  ) {
    this.outbox = this.outboxStore = new SpoolingOutboxStore(primary.outbox, this);
    this.activity = new SpoolingActivityStore(primary.activity, this);
    this.schedules = this.scheduleStore = new SpoolingScheduleStore(primary.schedules, this);
    this.profiles = this.profileStore = new SpoolingProfileStore(primary.profiles, this);
    this.handOffs = this.port('handOffs', true);
    this.notifyState = this.notifyStateStore = new SpoolingNotifyStateStore(primary.notifyState, this);
    this.escalations = new SpoolingEscalationStore(primary.escalations, this);
    this.storm = new SpoolingStormStore(primary.storm, this);
    this.vaultChecks = this.vaultCheckStore = new SpoolingVaultCheckStore(primary.vaultChecks, this);
    this.alertPauses = this.alertPauseStore = new SpoolingAlertPauseStore(primary.alertPauses, this, options.clock);
    this.adminRuns = this.port('adminRuns', false);
    this.watchdog = this.port('watchdog', false);
    // Read by the anomaly check after each run: over the spool's runs while the database is away.
    this.summary = this.port('summary', true);
    this.fleetSummary = this.port('fleetSummary', false);
    this.housekeeping = this.port('housekeeping', false);
    this.metrics = this.port('metrics', false);
    this.hosts = this.port('hosts', false);
    this.leases = this.port('leases', false);
    this.fallback = {
      listen: (listener) => {
        this.listeners.add(listener);
        if (this.unheard !== undefined && this.mode === 'local') listener.unreachable(this.unheard);
        this.unheard = undefined;
        return () => this.listeners.delete(listener);
      },
    };
  }

  get local(): boolean {
    return this.mode === 'local';
  }

  async route<T>(primary: () => Promise<T>, local: (spool: LocalSpool) => Promise<T>): Promise<T> {
    if (this.mode === 'primary') {
      try {
        return await primary();
      } catch (error) {
        if (!this.lost(error)) throw error;
      }
    }
    return local(await this.spool());
  }

  lost(error: unknown): boolean {
    if (!isConnectionLost(error)) return false;
    if (this.mode === 'primary' && !this.closed) {
      this.mode = 'local';
      this.downSince = this.options.clock.now();
      this.outageSeeded = false;
      const detail = `the database ${redactUrl(this.db.connection.url)} cannot be reached (${(error as Error).message}); runs and alerts are kept in ${this.options.dataDir}/spool until it returns`;
      for (const l of this.listeners) l.unreachable(detail);
      // Nobody to tell yet (the service is starting, or reloading): the next listener hears it.
      if (this.listeners.size === 0) this.unheard = detail;
      this.probeSoon();
    }
    return true;
  }

  async spool(): Promise<LocalSpool> {
    // A flush in progress finishes first: what comes after it goes to a new spool, not into the
    // one being copied and deleted.
    while (this.flushing) await this.flushing;
    if (!this.current) {
      this.current = LocalSpool.create(this.options.dataDir);
      this.seed(this.current);
    } else if (!this.outageSeeded) this.seed(this.current);
    this.outageSeeded = true;
    return this.current;
  }

  /**
   * A spool starts from the profiles' state and the vault checks' rotation as the database had
   * them: a pause holds through the outage, and the next check reads the next slice. So does a
   * spool kept from the last outage (its flush put off), which forgot them when its write-back
   * copied them in; what it says of them itself stays (seeding never replaces a row).
   */
  private seed(spool: LocalSpool): void {
    this.profileStore.seed(spool.raw);
    this.vaultCheckStore.seed(spool.raw);
  }

  async settled(): Promise<LocalSpool | undefined> {
    while (this.flushing) await this.flushing;
    return this.current;
  }

  async holding<T>(work: () => Promise<T>): Promise<T> {
    this.holds++;
    try {
      return await work();
    } finally {
      this.holds--;
    }
  }

  /** The host's streaks, pauses and vault rotations as the database has them: what a spool starts from if it goes (the store just opened). */
  async learnStreaks(): Promise<void> {
    try {
      this.notifyStateStore.remember(await databaseStreaks(this.db, this.options.host));
      this.alertPauseStore.remember(await this.primary.alertPauses.active(this.options.clock.now()));
      this.profileStore.remember(await this.primary.profiles.all());
      await this.vaultCheckStore.learn(this.db, this.options.host);
    } catch (error) {
      // Gone again already: the spool starts from no streak, as a host's first start would.
      if (!this.lost(error)) throw error;
    }
  }

  /** Copies spools a previous process left into the database (it is reachable: the store just opened). */
  async recoverLeftovers(): Promise<string[]> {
    const notes: string[] = [];
    for (const spool of LocalSpool.leftovers(this.options.dataDir)) {
      try {
        // Their process is gone: a run it left running in the spool ended with it.
        await spool.store.activity.abandonRunning(this.options.clock.now(), 'the process running this backup stopped before it finished (crash, kill or power loss)', () => false);
        notes.push(await this.copyIn(spool));
      } catch (error) {
        // Gone again already: this spool becomes the current one, copied in when the probe finds
        // the database back. Any other failure leaves it for the next start.
        if (!this.current && this.lost(error)) this.current = spool;
        else await spool.close();
        notes.push(`the spool ${spool.id} left by a previous process could not be copied into the database yet: ${(error as Error).message}`);
      }
    }
    return notes;
  }

  /** Another host's state (the leader acting for a host that is down): it waits for the database, as the fleet duties do. */
  forHost(host: string): ReturnType<Store['forHost']> {
    return this.primary.forHost(host);
  }

  /** The database answers, or else (lost now, or found lost by this call) the spool does: the service is working either way. */
  ping(): Promise<void> {
    return this.route(
      () => this.primary.ping(),
      (spool) => spool.store.ping(),
    );
  }

  private port<K extends Exclude<keyof Store, 'close' | 'forHost' | 'ping'>>(name: K, spooled: boolean): Store[K] {
    const target = this.primary[name] as object;
    return new Proxy(target, {
      get: (object, property) => {
        const value: unknown = Reflect.get(object, property);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          this.route(
            () => (value as (...a: unknown[]) => Promise<unknown>).apply(object, args),
            async (spool) => {
              if (!spooled) throw new Error(`the database is unreachable: ${String(name)} waits for it to return`);
              const port = spool.store[name] as unknown as Record<PropertyKey, (...a: unknown[]) => Promise<unknown>>;
              return port[property]!.apply(port, args);
            },
          );
      },
    }) as Store[K];
  }

  private probeSoon(delayMs = PROBE_MS): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.probe();
    }, delayMs);
  }

  /**
   * The database answered but refused `what` — not a lost connection, so retrying every 3 s
   * would only flood the log: said once, alerted (directly: a database fault), tried again
   * less and less often (refusal-pacing.ts). Backups go on into the spool meanwhile.
   */
  private refused(what: string, spool: LocalSpool | undefined, error: unknown): void {
    const cause = (error as Error).message;
    const step = this.refusals.refused(cause, this.options.clock.now());
    const where = spool ? `${this.options.dataDir}/spool/${spool.id}` : `${this.options.dataDir}/spool`;
    if (step.warn) {
      this.note(`the database answers but refuses ${what}: ${cause}; runs and alerts stay in ${where} meanwhile; tried again in ${formatDuration(step.delayMs)}, then less often (at most every ${formatDuration(REFUSED.maxDelayMs)})`, 'warn');
    }
    if (step.alert) {
      const detail = `the database ${redactUrl(this.db.connection.url)} answers but refuses ${what}: ${cause}. Backups go on; their activity and alerts stay in ${where} until it accepts them (tried again at least every ${formatDuration(REFUSED.maxDelayMs)}).`;
      for (const l of this.listeners) l.refused(detail);
    }
    this.probeSoon(step.delayMs);
  }

  /** Is the database back? Then writes go to it again, and the spool is copied in once still. */
  private async probe(): Promise<void> {
    if (this.closed) return;
    if (this.mode === 'local') {
      try {
        await this.db.run('SELECT 1');
        // Due times handled meanwhile first: the missed-backup watchdog reads them there.
        await this.scheduleStore.writeBack();
        // The host's own state (streaks, pauses, suspended routes) before anyone writes a newer one
        // there: what this service, `vigil run` or `vigil pause` write from now on wins.
        if (this.current) {
          this.notifyStateStore.remember(await writeBackHostState(this.current.raw, this.current.id, this.db, this.options.host, this.options.clock.now()));
          // The database's state is the newer now (and the spool forgot what it copied): what the
          // spool starts from again if the database goes before the flush.
          this.profileStore.remember(await this.primary.profiles.all());
          await this.vaultCheckStore.learn(this.db, this.options.host);
        }
      } catch (error) {
        if (!isConnectionLost(error)) return this.refused("the spool's write-back (streaks, pauses, schedules)", this.current, error);
        this.refusals.reset();
        return this.probeSoon();
      }
      this.mode = 'primary';
      this.note(`database reachable again after ${formatDuration(this.options.clock.now() - this.downSince, 'summary')}: recording in it again`, 'info');
    }
    const spool = this.current;
    if (!spool || this.flushing) return;
    const busy = spoolBusy(spool.raw, this.options.clock.now());
    if (this.holds > 0 || this.outboxStore.sending(spool) > 0 || busy.running > 0 || busy.telling > 0) return this.probeSoon();
    this.flushing = this.copyIn(spool).then(
      (line) => {
        if (this.current === spool) this.current = undefined;
        this.refusals.reset();
        this.note(line, 'info');
        for (const l of this.listeners) l.flushed();
      },
      (error: unknown) => {
        if (!this.lost(error)) return this.refused(`the flush of the spool ${spool.id}`, spool, error);
        this.refusals.reset();
        this.probeSoon();
      },
    ).finally(() => (this.flushing = undefined));
  }

  /** One spool into the database, then deleted; the line to log. */
  private async copyIn(spool: LocalSpool): Promise<string> {
    const copied = await flushSpool(spool.raw, this.db, spool.id, this.options.host, this.options.clock.now());
    // The database has the spool's streaks now: they are what a next spool starts from.
    this.notifyStateStore.remember(spooledStreaks(spool.raw));
    await spool.remove();
    return copied.already
      ? `spool ${spool.id} was already flushed into the database; removed`
      : `spool ${spool.id} flushed into the database: ${copied.activities} activities, ${copied.messages} messages, ${copied.streaks} notification states`;
  }

  private note(line: string, level: 'info' | 'warn'): void {
    for (const l of this.listeners) l.note(line, level);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.flushing;
    // A spool not yet copied stays in dataDir: the next start copies it.
    await this.current?.close();
    await this.primary.close();
  }
}
