import type { ScheduleState, ScheduleStateStore } from '../storage/ports/schedule-state-store.js';
import type { Router } from './local-spool.js';

/**
 * The scheduler's due times, spooled in memory: the last state read or written is kept, and while
 * the database is unreachable it is the store (compare-and-set as the database's); what changed
 * meanwhile is written back before the database is used again.
 */
export class SpoolingScheduleStore implements ScheduleStateStore {
  private readonly known = new Map<string, ScheduleState>();
  private readonly changed = new Set<string>();

  constructor(
    private readonly primary: ScheduleStateStore,
    private readonly router: Router,
  ) {}

  get(set: string): Promise<ScheduleState | undefined> {
    return this.router.route(
      async () => {
        const state = await this.primary.get(set);
        if (state) this.known.set(set, state);
        return state;
      },
      async () => this.known.get(set),
    );
  }

  put(state: ScheduleState): Promise<void> {
    return this.router.route(
      async () => {
        await this.primary.put(state);
        this.known.set(state.set, state);
      },
      async () => this.keep(state),
    );
  }

  advance(set: string, schedule: string, from: number, to: number): Promise<boolean> {
    return this.router.route(
      async () => {
        const moved = await this.primary.advance(set, schedule, from, to);
        if (moved) this.known.set(set, { set, schedule, lastDueAt: to });
        return moved;
      },
      async () => {
        const state = this.known.get(set);
        if (!state || state.schedule !== schedule || state.lastDueAt !== from) return false;
        this.keep({ set, schedule, lastDueAt: to });
        return true;
      },
    );
  }

  /** Writes what changed while the database was unreachable into it. */
  async writeBack(): Promise<void> {
    for (const set of [...this.changed]) {
      await this.primary.put(this.known.get(set)!);
      this.changed.delete(set);
    }
  }

  private keep(state: ScheduleState): void {
    this.known.set(state.set, state);
    this.changed.add(state.set);
  }
}
