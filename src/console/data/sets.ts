import { dayState } from '../../admin/format.js';
import { trendDays } from '../../admin/period.js';
import { Schedule } from '../../backup/schedule.js';
import type { Activity, ActivityStatus } from '../../domain/activity.js';
import type { AppContext } from '../../app/context.js';
import type { SuccessSample } from '../../domain/summary.js';
import { detectAnomalies, summaryAnomalyThresholds, type Anomaly } from '../../domain/anomalies.js';
import { SAMPLES_PER_SET } from '../../admin/summary-source.js';
import { cachedSuccessSamples } from './success-samples-cache.js';

const DAY_MS = 86_400_000;

/** How a set looks at a glance: the colour of its status. */
export type Tone = 'bad' | 'warn' | 'ok' | 'running' | 'none';

export interface SetView {
  name: string;
  engine: string;
  schedule: string | null;
  nextRunAt: number | null;
  status: ActivityStatus | 'never-run';
  tone: Tone;
  running: boolean;
  lastRun: { activityId: number; status: string; startedAt: number; endedAt: number; firstError: string | null } | null;
  /** The newest completed (or completed-with-warnings) run, with its figures. */
  lastSuccess: { activityId: number; endedAt: number; durationMs: number; files: number; bytesScanned: number; bytesNew: number } | null;
  /** The last TREND_DAYS local days, oldest first. */
  trend: Array<{ label: string; state: 'none' | 'bad' | 'partial' | 'ok' }>;
  /** Anomalies of the last 24 hours, as the Daily summary lists them (empty unless asked for). */
  anomalies: Anomaly[];
}

export const TREND_DAYS = 14;
/** Sets per Overview page. */
export const OVERVIEW_PAGE_SIZE = 100;

const TONE: Record<string, Tone> = {
  completed: 'ok',
  'completed-with-warnings': 'warn',
  'completed-with-errors': 'bad',
  incomplete: 'bad',
  failed: 'bad',
  missed: 'bad',
  skipped: 'warn',
  cancelled: 'none',
  // Stopped by a service stop: retried at the next start, or then recorded missed.
  interrupted: 'none',
  running: 'running',
};
/** The order of "needs a look first": failures, then warnings, then sets that never ran, then the rest; newest run first within each, then by name. */
const RANK: Record<Tone, number> = { bad: 0, warn: 1, none: 2, running: 3, ok: 4 };

/** A page of sets, needing a look first, and what the whole list holds. */
export interface SetsPage {
  sets: SetView[];
  /** Every set the query matched, before paging. */
  total: number;
  /** How many of all the sets (not only this page's) have each tone: the Overview's counts. */
  byTone: Record<Tone, number>;
  offset: number;
}

export interface SetsQuery {
  /** One set by name. */
  only?: string;
  /** Paging over the sets in attention order; every set when `limit` is not given. */
  offset?: number;
  limit?: number;
  /** The 14-day trend strip (one more query, for the page's sets only); /metrics does without. */
  trend?: boolean;
  /** When each set runs next (default true); /metrics does without: 1,000 schedules cost ~5 ms. */
  nextRun?: boolean;
  /**
   * The page's anomalies of the last 24 hours: the Daily summary's definition (detectAnomalies
   * with its thresholds, over as many successful runs per set as the summary reads).
   */
  anomalies?: boolean;
}

/**
 * The configured sets with their last run, last success, next run and trend, needing a look
 * first. Every set's last run is read (one statement for all of them: the order needs it); the
 * rest only for the page asked for, so a page of 100 costs the same with 10 sets or 10,000.
 */
export async function loadSets(app: AppContext, query: SetsQuery = {}): Promise<SetsPage> {
  const { config } = app.loaded;
  const now = app.clock.now();
  const names = Object.keys(config.sets).filter((name) => query.only === undefined || name === query.only);
  const byTone: Record<Tone, number> = { bad: 0, warn: 0, none: 0, running: 0, ok: 0 };
  const offset = Math.max(0, query.offset ?? 0);
  if (names.length === 0) return { sets: [], total: 0, byTone, offset };
  const [lastRuns, running] = await Promise.all([app.store.summary.lastRuns(names), runningBackups(app)]);
  const lastBySet = new Map(lastRuns.map((r) => [r.set, r]));
  const runningSets = new Set(running.map((a) => a.set));
  const ranked = names.map((name) => {
    const last = lastBySet.get(name);
    const status: SetView['status'] = last ? last.status : 'never-run';
    const tone = TONE[status] ?? 'none';
    byTone[tone]++;
    return { name, last, status, tone };
  });
  ranked.sort(byAttention);
  const page = ranked.slice(offset, query.limit === undefined ? undefined : offset + Math.max(0, query.limit));
  const pageNames = page.map((s) => s.name);
  const days = query.trend ? trendDays(now, config.admin.timezone, TREND_DAYS) : [];
  const [successes, cells] = await Promise.all([
    !pageNames.length
      ? ({} as Record<string, SuccessSample[]>)
      : query.anomalies
        ? cachedSuccessSamples(app, pageNames, SAMPLES_PER_SET) // kept between requests (success-samples-cache.ts)
        : app.store.summary.successSamples(pageNames, 1),
    query.trend && pageNames.length ? app.store.summary.trend(days, pageNames) : [],
  ]);
  const trendBySet = new Map<string, SetView['trend']>();
  for (const name of pageNames) trendBySet.set(name, days.map((d) => ({ label: d.label, state: 'none' as const })));
  for (const cell of cells) {
    const slot = trendBySet.get(cell.set)?.[cell.day];
    if (slot) slot.state = dayState(cell);
  }
  // As AdminProcess.preview judges them (notification.anomalies: off turns them off there too).
  const thresholds = summaryAnomalyThresholds(config.notification.anomalies);
  const sets = page.map(({ name, last, status, tone }): SetView => {
    const set = config.sets[name]!;
    const samples = successes[name] ?? [];
    const success = samples[0];
    return {
      name,
      engine: set.engine,
      schedule: set.schedule ?? null,
      nextRunAt: set.schedule && query.nextRun !== false ? nextRun(set.schedule, set.timezone, now) : null,
      status,
      tone,
      running: runningSets.has(name),
      lastRun: last ? { activityId: last.activityId, status: last.status, startedAt: last.startedAt, endedAt: last.endedAt, firstError: last.firstError } : null,
      lastSuccess: success
        ? { activityId: success.activityId, endedAt: success.endedAt, durationMs: success.endedAt - success.startedAt, files: success.files, bytesScanned: success.bytesScanned, bytesNew: success.bytesNew }
        : null,
      trend: trendBySet.get(name) ?? [],
      anomalies: query.anomalies ? detectAnomalies(name, samples, now - DAY_MS, now, thresholds) : [],
    };
  });
  return { sets, total: names.length, byTone, offset };
}

/** "Needs a look first": by tone (RANK), then the newest last run first, then by name. */
export function byAttention(a: { name: string; tone: Tone; last?: { endedAt: number } | undefined }, b: { name: string; tone: Tone; last?: { endedAt: number } | undefined }): number {
  return RANK[a.tone] - RANK[b.tone] || (b.last?.endedAt ?? 0) - (a.last?.endedAt ?? 0) || byName.compare(a.name, b.name);
}

export function toneOf(status: string): Tone {
  return TONE[status] ?? 'none';
}

/** One collator for every sort: String.prototype.localeCompare costs ~10 times more per call. */
const byName = new Intl.Collator();

/**
 * Each schedule's next run by expression and zone, with the instant it was worked out from:
 * parsing a schedule costs more than the rest of its row, but a parsed one is not kept — croner
 * holds a 10,000-entry year table per pattern (~80 KB), 4.7 MB for the bench's 60 schedules and
 * ~80 MB for 1,000 sets with a schedule each. The answer holds until that run is due (or the clock
 * goes back past the instant), so a schedule is parsed about once per run.
 */
const nextRuns = new Map<string, { from: number; at: number | null }>();

export function nextRun(expression: string, timezone: string | undefined, now: number): number | null {
  const key = `${expression}\u0000${timezone ?? ''}`;
  const known = nextRuns.get(key);
  if (known && now >= known.from && (known.at === null || now < known.at)) return known.at;
  let at: number | null;
  try {
    at = new Schedule(expression, timezone).next(now) ?? null;
  } catch {
    at = null; // config check reports a bad schedule; the console shows none.
  }
  if (nextRuns.size > 10_000) nextRuns.clear();
  nextRuns.set(key, { from: now, at });
  return at;
}

/** The backups running now, of every set. A run cannot outlast its set's timeout: looking that far back uses the started_at index. */
export function runningBackups(app: AppContext): Promise<Activity[]> {
  return app.store.activity.list({ statuses: ['running'], kind: 'backup', since: app.clock.now() - longestTimeout(app.loaded.config.sets), limit: 10_000 });
}

function longestTimeout(sets: Record<string, { timeout: number }>): number {
  return Math.max(86_400_000, ...Object.values(sets).map((s) => s.timeout)) + 3_600_000;
}
