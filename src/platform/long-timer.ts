/**
 * Timers for delays that come from vigil.yaml, which may be days or weeks long.
 *
 * Node stores a timer's delay in a signed 32-bit integer: any delay above 2^31-1 ms (~24.8 days),
 * and Infinity or NaN, is replaced by 1 ms with only a warning. So `timeout: 30d` used to end a
 * run "incomplete" at once, and `admin.watchEvery: 30d` ran the watchdog in a tight loop. These
 * helpers arm at most MAX_TIMER_DELAY_MS at a time and re-arm for the rest, so a long delay fires
 * once, when it is really due, and a non-finite one never fires.
 *
 * Use them wherever a duration from the configuration becomes a timer; constants of a few
 * seconds can keep Node's own setTimeout.
 */

/** The longest delay Node's timers honour. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Where timers are armed: Node's timers by default; tests pass one they fire by hand. */
export interface TimerHost<H = unknown> {
  set(fn: () => void, ms: number): H;
  clear(handle: H): void;
}

export interface LongTimer {
  /** Stops the timer (and the rest of its chain); calling it again does nothing. */
  cancel(): void;
  /** Lets the process exit while only this timer is pending (as Node's `unref`). Returns itself. */
  unref(): LongTimer;
}

export const nodeTimers: TimerHost<NodeJS.Timeout> = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle),
};

/**
 * Calls `fn` once, `ms` from now. Infinity or NaN means never; a negative delay means at once.
 * The delay is counted by the timers themselves, step by step, not against the wall clock: a
 * clock set back or forward does not move it (as for Node's own timers).
 */
export function setLongTimeout<H>(fn: () => void, ms: number, host: TimerHost<H> = nodeTimers as TimerHost<never>): LongTimer {
  let remaining = Number.isNaN(ms) ? Infinity : Math.max(0, ms);
  let handle: H | undefined;
  let cancelled = false;
  let unrefd = false;
  const arm = () => {
    const step = Math.min(remaining, MAX_TIMER_DELAY_MS);
    handle = host.set(() => {
      handle = undefined;
      if (cancelled) return;
      remaining -= step;
      if (remaining > 0) arm();
      else fn();
    }, step);
    if (unrefd) unrefHandle(handle);
  };
  arm();
  const timer: LongTimer = {
    cancel() {
      cancelled = true;
      if (handle !== undefined) host.clear(handle);
      handle = undefined;
    },
    unref() {
      unrefd = true;
      if (handle !== undefined) unrefHandle(handle);
      return timer;
    },
  };
  return timer;
}

/**
 * Calls `fn` every `ms` (at least 1 ms), each time a whole period after the previous call was
 * due — as setInterval, but right for periods of any length.
 */
export function setLongInterval<H>(fn: () => void, ms: number, host: TimerHost<H> = nodeTimers as TimerHost<never>): LongTimer {
  const period = Number.isNaN(ms) ? Infinity : Math.max(1, ms);
  let current: LongTimer | undefined;
  let cancelled = false;
  let unrefd = false;
  const next = () => {
    current = setLongTimeout(
      () => {
        if (cancelled) return;
        next();
        fn();
      },
      period,
      host,
    );
    if (unrefd) current.unref();
  };
  next();
  const interval: LongTimer = {
    cancel() {
      cancelled = true;
      current?.cancel();
    },
    unref() {
      unrefd = true;
      current?.unref();
      return interval;
    },
  };
  return interval;
}

function unrefHandle(handle: unknown): void {
  if (handle && typeof handle === 'object' && 'unref' in handle && typeof handle.unref === 'function') (handle as { unref(): void }).unref();
}
