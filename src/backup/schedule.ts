import { Cron } from 'croner';

/**
 * A cron schedule: a set's, an Admin process's, local midnights. A cron expression (5 fields,
 * or 6 with seconds) read in `timezone` (default: the host's). The one wrapper of croner. Pure:
 * it answers "when is it due after T", never reads the clock.
 */
export class Schedule {
  /** Identifies the schedule in persisted state: a changed expression or zone starts afresh. */
  readonly key: string;
  /** The last answer of next(): the scheduler asks again with the same `after` until that time is due. */
  private memo: { after: number; next: number | undefined } | undefined;

  constructor(
    readonly expression: string,
    readonly timezone?: string,
  ) {
    // Parsed here so a bad expression throws at construction, but not kept: croner holds a
    // 10,000-entry year table per parsed pattern (~80 KB), i.e. ~80 MB in a service of 1,000 sets
    // for an answer that changes once per due time. Each question parses again (~45 µs).
    this.parse();
    this.key = timezone ? `${expression} @ ${timezone}` : expression;
  }

  /** The first due time strictly after `after`, or undefined if the schedule never fires again. */
  next(after: number): number | undefined {
    if (this.memo?.after !== after) this.memo = { after, next: nextOf(this.parse(), after) };
    return this.memo.next;
  }

  /**
   * Due times in (after, until], oldest first, at most `limit` (at least 2). When there are more,
   * middle ones are left out and `more` counts them; the first and the two newest are always
   * kept, because callers read the newest (the one to run) and the one before it (where a missed
   * window ends).
   */
  between(after: number, until: number, limit = 1000): { times: number[]; more: number } {
    const cap = Math.max(2, limit);
    const times: number[] = [];
    let more = 0;
    let cron: Cron | undefined; // parsed only if a due time has passed: most passes find none
    let at = this.next(after);
    while (at !== undefined && at <= until) {
      if (times.length < cap) times.push(at);
      else {
        // Slide the two newest along; the one pushed out of the pair is one of the middle ones.
        more++;
        times[cap - 2] = times[cap - 1]!;
        times[cap - 1] = at;
      }
      // A schedule at every second for a week is 600k steps; stop counting precisely after that.
      if (more > 100_000) {
        const [newest, before] = this.newestTwoUntil(until);
        if (newest !== undefined) times[cap - 1] = newest;
        if (before !== undefined) times[cap - 2] = before;
        break;
      }
      at = nextOf((cron ??= this.parse()), at);
    }
    return { times, more };
  }

  /** Up to `count` due times strictly before `before`, newest first. */
  previous(before: number, count = 1): number[] {
    return this.parse().previousRuns(count, new Date(before)).map((d) => d.getTime());
  }

  private parse(): Cron {
    return new Cron(this.expression, { paused: true, ...(this.timezone ? { timezone: this.timezone } : {}) });
  }

  /** The newest due time at or before `until`, and the one before it. */
  private newestTwoUntil(until: number): [number | undefined, number | undefined] {
    const [newest, before] = this.previous(until + 1, 2);
    return [newest, before];
  }
}

function nextOf(cron: Cron, after: number): number | undefined {
  return cron.nextRun(new Date(after))?.getTime();
}

/** Why `expression` (in `timezone`) is not a usable schedule, or undefined when it is. */
export function scheduleProblem(expression: string, timezone?: string): string | undefined {
  try {
    const schedule = new Schedule(expression, timezone);
    if (schedule.next(Date.UTC(2000, 0, 1)) === undefined) return 'never fires';
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern: /, '').split('. Original error')[0];
  }
}
