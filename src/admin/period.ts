import { Schedule } from '../backup/schedule.js';
import { adminTimeToCron } from '../config/schema/admin.js';
import type { SummaryKind, SummaryPeriod, TrendDay } from '../domain/summary.js';

/** Days in the summary's trend. */
export const TREND_DAYS = 14;
const WEEK_MS = 7 * 86_400_000;
const DAY_MS = 86_400_000;

/**
 * When an Admin process is due, in the Admin timezone, and which period each due time closes.
 * The period runs from the previous due time to this one, so a day that DST makes 23 or 25 hours
 * long is covered exactly; its key is the local date of the due time (`daily:2026-11-22`), which
 * stays unique when a wall-clock hour repeats or is skipped.
 */
export class AdminSchedule {
  private readonly schedule: Schedule;

  constructor(
    readonly kind: SummaryKind,
    /** As written in vigil.yaml: `20:00`, `fri 20:00` or cron. */
    readonly when: string,
    readonly timezone: string | undefined,
  ) {
    const expression = adminTimeToCron(when);
    if (!expression) throw new Error(`admin.${kind}: ${JSON.stringify(when)} is not a time`);
    this.schedule = new Schedule(expression, timezone);
  }

  /** The first due time strictly after `after`. */
  next(after: number): number | undefined {
    return this.schedule.next(after);
  }

  /** The latest due time at or before `at`. */
  latestAtOrBefore(at: number): number | undefined {
    return this.schedule.previous(at + 1)[0];
  }

  /** The period closed by the due time `due`. */
  periodEndingAt(due: number): SummaryPeriod {
    const previous = this.schedule.previous(due)[0];
    const span = this.kind === 'daily' ? DAY_MS : WEEK_MS;
    return { kind: this.kind, key: `${this.kind}:${localDate(due, this.timezone)}`, start: previous ?? due - span, end: due };
  }
}

/**
 * A failed period is tried again after these delays (from each failure): the causes seen are
 * transient — a locked or briefly full database, a restarting mail relay — and a summary an hour
 * late beats none. Bounded, so a lasting fault is reported once (admin.failed) and left alone.
 */
export const ADMIN_RETRY_DELAYS_MS: readonly number[] = [5 * 60_000, 15 * 60_000, 60 * 60_000];

/**
 * When a period whose `attempts`-th attempt failed at `failedAt` is tried again: null when the
 * retries are spent or the next one would fall outside `catchUpWindow` after the due time.
 */
export function adminRetryAt(attempts: number, failedAt: number, dueAt: number, catchUpWindow: number): number | null {
  const delay = ADMIN_RETRY_DELAYS_MS[attempts - 1];
  if (delay === undefined) return null;
  const at = failedAt + delay;
  return at - dueAt <= catchUpWindow ? at : null;
}

/** A period ending now, for a manual run (`vigil admin daily`): the last day or week. Not keyed for once-only. */
export function manualPeriod(kind: SummaryKind, now: number, timezone: string | undefined): SummaryPeriod {
  const span = kind === 'daily' ? DAY_MS : WEEK_MS;
  return { kind, key: `${kind}:manual:${localDate(now, timezone)}`, start: now - span, end: now };
}

/** `2026-11-22`: the calendar date of `ms` in `timezone` (the host's when undefined). */
export function localDate(ms: number, timezone: string | undefined): string {
  return dateFormat(timezone).format(new Date(ms));
}

/**
 * One formatter per named zone: making one costs ~0.3 ms (ICU), and the console's Overview asks
 * for 14 dates a request. The host's zone (undefined) is not kept: it follows TZ as it is now.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(timezone: string | undefined): Intl.DateTimeFormat {
  // en-CA formats dates as YYYY-MM-DD.
  const make = () => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...(timezone ? { timeZone: timezone } : {}) });
  if (timezone === undefined) return make();
  let format = dateFormats.get(timezone);
  if (!format) {
    format = make();
    // Zones come from the configuration: a handful. The bound only guards against a caller that loops over many.
    if (dateFormats.size >= 100) dateFormats.clear();
    dateFormats.set(timezone, format);
  }
  return format;
}

/**
 * The TREND_DAYS local days up to `end`, oldest first; the last one is cut at `end`. Local
 * midnights come from croner, so DST days are 23 or 25 hours long.
 */
export function trendDays(end: number, timezone: string | undefined, count = TREND_DAYS): TrendDay[] {
  const starts = new Schedule('0 0 * * *', timezone).previous(end, count).reverse();
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? end, label: localDate(start, timezone).slice(5) }));
}
