/** A critical failure as storm control holds it. */
export interface HeldFailure {
  set: string;
  status: string;
  firstError: string | null;
  activityId: number;
  endedAt: number;
}

export interface StormWindow {
  id: number;
  openedAt: number;
  endsAt: number;
  /** The failure that opened the window (alerted at once). */
  first: HeldFailure;
  /** Failures that arrived before it ended, in arrival order. */
  held: HeldFailure[];
}

/** Storm control's windows and held failures (migration 5), durable so a crash loses none. */
export interface StormStore {
  /**
   * In one transaction: when an unflushed window has not ended by `now` — even one opened a
   * moment after `now`, since callers read their clocks before waiting for the write — holds `failure` in it ('held');
   * otherwise opens a window [now, now + windowMs) with `failure` as its first ('opened').
   * Idempotent per activity: admitting the same run again returns its first verdict.
   */
  admit(failure: HeldFailure, now: number, windowMs: number): Promise<'opened' | 'held'>;
  /** Windows that ended by `now` and are not flushed yet, with their held failures. */
  ended(now: number): Promise<StormWindow[]>;
  markFlushed(id: number, at: number): Promise<void>;
  /** When the earliest unflushed window ends; undefined when none is open. */
  nextEnd(): Promise<number | undefined>;
}
