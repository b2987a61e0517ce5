import { Cron } from 'croner';

/**
 * A set's schedule: a cron expression (5 fields, or 6 with seconds) read in `timezone` (default:
 * the host's). Pure: it answers "when is it due after T", never reads the clock.
 */
export class Schedule {
  private readonly cron: Cron;
  /** Identifies the schedule in persisted state: a changed expression or zone starts afresh. */
  readonly key: string;

  constructor(
    readonly expression: string,
    readonly timezone?: string,
  ) {
    this.cron = new Cron(expression, { paused: true, ...(timezone ? { timezone } : {}) });
    this.key = timezone ? `${expression} @ ${timezone}` : expression;
  }

  /** The first due time strictly after `after`, or undefined if the schedule never fires again. */
  next(after: number): number | undefined {
    return this.cron.nextRun(new Date(after))?.getTime();
  }

  /**
   * Due times in (after, until], oldest first, at most `limit` (the newest is always last: when
   * there are more, the middle ones are left out and `more` counts them).
   */
  between(after: number, until: number, limit = 1000): { times: number[]; more: number } {
    const times: number[] = [];
    let more = 0;
    let at = this.next(after);
    while (at !== undefined && at <= until) {
      if (times.length < limit) times.push(at);
      else {
        more++;
        times[times.length - 1] = at;
      }
      // A schedule at every second for a week is 600k steps; stop counting precisely after that.
      if (more > 100_000) {
        const last = this.previousOrAt(until);
        if (last !== undefined) times[times.length - 1] = last;
        break;
      }
      at = this.next(at);
    }
    return { times, more };
  }

  private previousOrAt(until: number): number | undefined {
    return this.cron.previousRuns(1, new Date(until + 1))[0]?.getTime();
  }
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
