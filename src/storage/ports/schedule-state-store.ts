/** The scheduler's persisted memory: the last due time handled per set and schedule. */
export interface ScheduleState {
  set: string;
  /** The schedule (expression and timezone) the state belongs to; a changed schedule starts afresh. */
  schedule: string;
  lastDueAt: number;
}

export interface ScheduleStateStore {
  get(set: string): Promise<ScheduleState | undefined>;
  /** Upserts. Written before a due run starts, so a crash never runs the same due time twice. */
  put(state: ScheduleState): Promise<void>;
  /**
   * Claims the due times in (from, to] of `set` under `schedule`: moves lastDueAt from `from` to
   * `to` atomically. False when the stored value is not `from` (another detector — the scheduler
   * or the watchdog — handled them first): whoever moves it handles them, so a window is
   * recorded missed once. Idempotent only in the sense that a second identical call is false.
   */
  advance(set: string, schedule: string, from: number, to: number): Promise<boolean>;
}
