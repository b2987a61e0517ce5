import type { Clock } from '../domain/clock.js';

/** A pass is never closer than this to the previous one (a due time already passed, a clock jump). */
export const MIN_PASS_DELAY_MS = 250;
/** Arrive this long after a due time, so the pass sees it as due. */
const DUE_SLACK_MS = 50;

export interface PassLoopOptions {
  clock: Clock;
  /** The loop looks at the clock at least this often (a clock that jumps is noticed). */
  pollMs: number;
  /** The due times known now; the next pass is at the earliest of them, at most `pollMs` away. */
  dueTimes(now: number): readonly (number | undefined)[];
  /** One pass. The next is armed when it settles, so passes never overlap. */
  pass(): Promise<void>;
  /** Told of a pass that failed; the loop goes on. */
  onError(error: unknown): void;
}

/**
 * The re-arming timer behind the backup and Admin schedulers: after an optional first step
 * (their recovery), a pass at each due time, re-armed after every pass until stop(). Nothing
 * escapes: a failed pass is reported and the loop goes on. Timers are armed at most `pollMs`
 * ahead, so Node's 32-bit timer limit never applies.
 */
export class PassLoop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: PassLoopOptions) {}

  /** Runs `first` (its failure is reported like a pass's), then loops. */
  start(first: () => Promise<void> = async () => {}): void {
    void this.settle(first()).finally(() => this.arm());
  }

  /** No pass is armed after this; a pass in progress is the caller's to await. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    const dues = this.options.dueTimes(now).filter((t): t is number => t !== undefined);
    const delay = Math.max(MIN_PASS_DELAY_MS, Math.min(this.options.pollMs, ...dues.map((t) => t - now + DUE_SLACK_MS)));
    this.timer = setTimeout(() => void this.settle(this.options.pass()).finally(() => this.arm()), delay);
  }

  private settle(pass: Promise<void>): Promise<void> {
    return pass.catch((error: unknown) => this.options.onError(error));
  }
}
