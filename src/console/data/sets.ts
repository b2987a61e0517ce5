import { dayState } from '../../admin/format.js';
import { trendDays } from '../../admin/period.js';
import { Schedule } from '../../backup/schedule.js';
import type { ActivityStatus } from '../../domain/activity.js';
import type { AppContext } from '../../app/context.js';

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
}

export const TREND_DAYS = 14;

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
/** The order of "needs a look first": failures, then warnings, then sets that never ran, then the rest. */
const RANK: Record<Tone, number> = { bad: 0, warn: 1, none: 2, running: 3, ok: 4 };

/**
 * Every configured set with its last run, last success, next run and trend. A few indexed
 * queries for all sets together (never one per set), so 1,000 sets cost what 10 do.
 */
export async function loadSets(app: AppContext, only?: string): Promise<SetView[]> {
  const { config } = app.loaded;
  const now = app.clock.now();
  const infos = Object.entries(config.sets)
    .filter(([name]) => only === undefined || name === only)
    .map(([name, set]) => ({ name, engine: set.engine, schedule: set.schedule ?? null, nextRunAt: set.schedule ? nextRun(set.schedule, set.timezone, now) : null }));
  const names = infos.map((s) => s.name);
  if (names.length === 0) return [];
  const days = trendDays(now, config.admin.timezone, TREND_DAYS);
  const [lastRuns, successes, cells, running] = await Promise.all([
    app.store.summary.lastRuns(names),
    app.store.summary.successSamples(names, 1),
    app.store.summary.trend(days),
    // A run cannot outlast its set's timeout: looking that far back uses the started_at index.
    app.store.activity.list({ statuses: ['running'], kind: 'backup', since: now - longestTimeout(config.sets), limit: 10_000 }),
  ]);
  const lastBySet = new Map(lastRuns.map((r) => [r.set, r]));
  const runningSets = new Set(running.map((a) => a.set));
  const trendBySet = new Map<string, SetView['trend']>();
  for (const name of names) trendBySet.set(name, days.map((d) => ({ label: d.label, state: 'none' as const })));
  for (const cell of cells) {
    const row = trendBySet.get(cell.set);
    const slot = row?.[cell.day];
    if (slot) slot.state = dayState(cell);
  }
  return infos.map((info) => {
    const last = lastBySet.get(info.name);
    const success = successes[info.name]?.[0];
    const isRunning = runningSets.has(info.name);
    const status: SetView['status'] = last ? last.status : 'never-run';
    return {
      name: info.name,
      engine: info.engine,
      schedule: info.schedule,
      nextRunAt: info.nextRunAt,
      status,
      tone: TONE[status] ?? 'none',
      running: isRunning,
      lastRun: last ? { activityId: last.activityId, status: last.status, startedAt: last.startedAt, endedAt: last.endedAt, firstError: last.firstError } : null,
      lastSuccess: success
        ? { activityId: success.activityId, endedAt: success.endedAt, durationMs: success.endedAt - success.startedAt, files: success.files, bytesScanned: success.bytesScanned, bytesNew: success.bytesNew }
        : null,
      trend: trendBySet.get(info.name) ?? [],
    };
  });
}

/** Sets that need a look first: failures, then warnings, then never run; the rest by name. */
export function byAttention(sets: SetView[]): SetView[] {
  return [...sets].sort((a, b) => RANK[a.tone] - RANK[b.tone] || (b.lastRun?.endedAt ?? 0) - (a.lastRun?.endedAt ?? 0) || a.name.localeCompare(b.name));
}

export function toneOf(status: string): Tone {
  return TONE[status] ?? 'none';
}

/** Parsed schedules by expression and zone: parsing one costs more than the rest of its row. */
const schedules = new Map<string, Schedule | null>();

function nextRun(expression: string, timezone: string | undefined, now: number): number | null {
  const key = `${expression}\u0000${timezone ?? ''}`;
  let schedule = schedules.get(key);
  if (schedule === undefined) {
    try {
      schedule = new Schedule(expression, timezone);
    } catch {
      schedule = null; // config check reports a bad schedule; the console shows none.
    }
    if (schedules.size > 10_000) schedules.clear();
    schedules.set(key, schedule);
  }
  return schedule?.next(now) ?? null;
}

function longestTimeout(sets: Record<string, { timeout: number }>): number {
  return Math.max(86_400_000, ...Object.values(sets).map((s) => s.timeout)) + 3_600_000;
}
