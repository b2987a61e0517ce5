import type { StreakState } from '../domain/streak-state.js';
import type { ClaimOwner, NotifyStateStore } from '../storage/ports/notify-state-store.js';
import type { LocalSpool, Router } from './local-spool.js';
import { dropSpooledStreak, spoolLedgerKey } from './spool-flush-notify.js';

/**
 * Notification's memory, spooled (spooling-store.ts), so a PostgreSQL outage neither alerts a
 * failing set again nor loses a recovery:
 *
 * - **Streaks.** While the database is away, a set's streak is the spool's if the spool has one,
 *   else the one the host last had in the database (known here: read at start, then every read
 *   and write). The spool's are written back the moment the database is found back, before it is
 *   used again (spool-write-back.ts), so what anyone writes there afterwards is the newer. One
 *   that raced the write-back into the spool still wins until the flush, and a write to the
 *   database drops it from the spool (the database's is now the newer): the flush copies what
 *   the spool still holds.
 * - **The ledger** (which runs were told) of a run the spool holds stays in the spool, keyed by
 *   the run's spool id, and follows the run into the database at the flush. The ledger of a
 *   database run is the database's, or the spool's while the database is away.
 */
export class SpoolingNotifyStateStore implements NotifyStateStore {
  // The host's streaks as the database last had them (undefined: the set is not failing).
  private readonly known = new Map<string, StreakState | undefined>();

  constructor(
    private readonly primary: NotifyStateStore,
    private readonly router: Router,
  ) {}

  /** Streaks the database holds (read at start, or just copied into it). */
  remember(states: readonly StreakState[]): void {
    for (const s of states) this.known.set(s.set, s);
  }

  get(set: string): Promise<StreakState | undefined> {
    return this.router.route(
      async () => {
        const spooled = await this.router.settled();
        const newer = spooled && (await spooled.store.notifyState.get(set));
        if (newer) return newer;
        const state = await this.primary.get(set);
        this.known.set(set, state);
        return state;
      },
      async (spool) => (await spool.store.notifyState.get(set)) ?? this.known.get(set),
    );
  }

  put(state: StreakState): Promise<void> {
    return this.router.route(
      () => this.written(state, () => this.primary.put(state)),
      (spool) => spool.store.notifyState.put(state),
    );
  }

  claim(activityId: number, owner: ClaimOwner, at: number, leaseMs: number, isAlive: (owner: ClaimOwner) => boolean): Promise<boolean> {
    return this.ledger(
      activityId,
      () => this.primary.claim(activityId, owner, at, leaseMs, isAlive),
      (store, key) => store.claim(key, owner, at, leaseMs, isAlive),
    );
  }

  begin(activityId: number, dedupeKeys: string[], at: number): Promise<void> {
    return this.ledger(
      activityId,
      () => this.primary.begin(activityId, dedupeKeys, at),
      (store, key) => store.begin(key, dedupeKeys, at),
    );
  }

  async commit(activityId: number, state: StreakState | undefined, at: number): Promise<void> {
    if (activityId > 0) {
      return this.router.route(
        () => this.written(state, () => this.primary.commit(activityId, state, at)),
        async (spool) => spool.store.notifyState.commit(spoolLedgerKey(spool.raw, activityId), state, at),
      );
    }
    // A run of the spool told after the database returned: its streak is the database's, its
    // ledger the spool's (two steps: a crash between them tells the run again, never loses it).
    if (state) await this.put(state);
    const spool = await this.router.spool();
    await spool.store.notifyState.commit(spoolLedgerKey(spool.raw, activityId), undefined, at);
  }

  notified(activityId: number): Promise<boolean> {
    return this.ledger(
      activityId,
      () => this.primary.notified(activityId),
      (store, key) => store.notified(key),
    );
  }

  unnotified(since: number): Promise<Array<{ activityId: number; dedupeKeys: string[] | null }>> {
    return this.router.route(
      () => this.primary.unnotified(since),
      // The spool's runs, by the ids the notifier knows them by.
      async (spool) => (await spool.store.notifyState.unnotified(since)).map((p) => ({ ...p, activityId: -p.activityId })),
    );
  }

  /** A ledger call: a spooled run's goes to its spool; a database run's to the database while it answers. */
  private async ledger<T>(activityId: number, primary: () => Promise<T>, local: (store: NotifyStateStore, key: number) => Promise<T>): Promise<T> {
    const inSpool = (spool: LocalSpool) => local(spool.store.notifyState, spoolLedgerKey(spool.raw, activityId));
    if (activityId < 0) return inSpool(await this.router.spool());
    return this.router.route(primary, inSpool);
  }

  /** A streak written to the database: the newest, so the spool's (if any) gives way. No flush copies meanwhile. */
  private async written<T>(state: StreakState | undefined, write: () => Promise<T>): Promise<T> {
    if (!state) return write();
    return this.router.holding(async () => {
      const spooled = await this.router.settled();
      const result = await write();
      this.known.set(state.set, state);
      if (spooled) dropSpooledStreak(spooled.raw, state.set);
      return result;
    });
  }
}
