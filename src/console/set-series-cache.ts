import type { AppContext } from '../app/context.js';
import { ACTIVITY_STATUSES, type FinalStatus } from '../domain/activity.js';
import type { BackupEvent, BackupStartedEvent } from '../domain/events.js';
import { byAttention, loadSets, runningBackups, toneOf, type Tone } from './data/sets.js';
import { setSeriesText, type SetSeries } from './set-series.js';
import { encodeInChunks } from './chunked-body.js';

const SUCCESS: ReadonlySet<string> = new Set(['completed', 'completed-with-warnings']);
const FINAL_KINDS = ACTIVITY_STATUSES.filter((s): s is FinalStatus => s !== 'running').map((s) => `backup.${s}` as const);

interface SetEntry extends SetSeries {
  tone: Tone;
  /** The last run again, under the name byAttention reads. */
  last: { endedAt: number } | undefined;
  lastRun: { status: string; startedAt: number; endedAt: number; activityId: number } | null;
}

/** What the cache was read from: a re-read is due when the store's differ. */
interface Watermark {
  lowest: number;
  highest: number;
  /** Activities pruned ever: a prune that spared the lowest id moves only this. */
  pruned: number;
  /** Running backup activities (of any set) by id, with their set. */
  running: Map<number, string>;
}

interface State extends Watermark {
  app: AppContext;
  sets: Map<string, SetEntry>;
  /**
   * The families' text while nothing changed (null: to be written again), redacted and encoded
   * once: a scrape then encodes only the few other families (encoding ~600 KB of text for the
   * socket cost ~26 ms of CPU a scrape at load 20). In chunks of under 48 KiB (chunked-body.ts).
   */
  body: readonly Buffer[] | null;
}

/**
 * The per-set families of /metrics, kept between scrapes instead of re-reading 1,000 sets' last
 * run and last success each time (~15 ms of CPU). Correct whoever writes the activity log:
 *
 * - Each scrape first asks the store for its watermark — the lowest and highest activity ids,
 *   how many activities were ever pruned, and the running backups (two index probes, a one-row
 *   read and a short list, ~0.5 ms). Ids only grow, so a run started, finished or recorded by
 *   another process (`vigil run` beside the service, another host of a fleet, `vigil console`
 *   watching the service) changes it, and so does a prune (its count, even when the lowest id
 *   survives it); then every set is read again, as before.
 * - In `vigil start` the runner's own `backup.*` events update the sets they name, and advance
 *   the watermark — only when the event's activity is the very next id, so a row written by
 *   someone else in between still shows as a difference and forces the re-read.
 *
 * The text is written (and redacted and encoded) again only after a change, in the same "needs a
 * look first" order as a full read gives.
 */
export class SetSeriesCache {
  private state: State | undefined;
  private readonly subscribed = new WeakSet<AppContext>();
  /** How many times every set was read (the first scrape, then after each change the events did not explain). */
  fullReads = 0;

  /** The families' text, passed through the app's redactor and encoded as UTF-8 in chunks, ending in the blank line that separates it from the rest. */
  async body(app: AppContext): Promise<readonly Buffer[]> {
    this.listen(app);
    const watermark = await readWatermark(app);
    let state = this.state;
    if (!state || state.app !== app || !sameWatermark(state, watermark)) {
      state = await this.readAll(app, watermark);
      this.state = state;
    }
    if (state.body === null) {
      const sets = [...state.sets.values()].sort(byAttention);
      state.body = encodeInChunks(`${app.redactor.redact(setSeriesText(sets, app.hostname))}\n\n`);
    }
    return state.body;
  }

  /** Every set read again (what each scrape did before); the watermark is the one read first, so a write in between shows next time. */
  private async readAll(app: AppContext, watermark: Watermark): Promise<State> {
    this.fullReads++;
    const { sets } = await loadSets(app, { nextRun: false });
    const entries = new Map<string, SetEntry>();
    for (const s of sets) entries.set(s.name, { name: s.name, running: s.running, tone: s.tone, lastRun: s.lastRun, last: s.lastRun ?? undefined, lastSuccess: s.lastSuccess });
    return { app, ...watermark, sets: entries, body: null };
  }

  /** The runner's events, once per app (a reload opens a new one, with its own event bus). */
  private listen(app: AppContext): void {
    if (this.subscribed.has(app)) return;
    this.subscribed.add(app);
    app.events.on('backup.started', (event) => this.started(app, event));
    for (const kind of FINAL_KINDS) app.events.on(kind, (event) => this.ended(app, event as BackupEvent));
  }

  private started(app: AppContext, event: BackupStartedEvent): void {
    const state = this.current(app);
    if (!state || !this.advance(state, event.activityId)) return;
    state.running.set(event.activityId, event.set);
    const entry = state.sets.get(event.set);
    if (entry && !entry.running) {
      entry.running = true;
      state.body = null;
    }
  }

  private ended(app: AppContext, event: BackupEvent): void {
    const state = this.current(app);
    // A run the cache never saw start (and not the next id): the watermark differs, the next scrape reads all.
    if (!state || (!state.running.has(event.activityId) && !this.advance(state, event.activityId))) return;
    state.running.delete(event.activityId);
    const entry = state.sets.get(event.set);
    if (!entry) return;
    entry.running = [...state.running.values()].includes(event.set);
    // The newest by start, as SummaryStore.lastRuns and successSamples choose.
    if (!entry.lastRun || event.startedAt >= entry.lastRun.startedAt) {
      entry.lastRun = { activityId: event.activityId, status: event.status, startedAt: event.startedAt, endedAt: event.endedAt };
      entry.last = entry.lastRun;
      entry.tone = toneOf(event.status);
    }
    if (SUCCESS.has(event.status) && (!entry.lastSuccess || event.startedAt >= entry.lastSuccess.endedAt - entry.lastSuccess.durationMs)) {
      entry.lastSuccess = { endedAt: event.endedAt, durationMs: event.endedAt - event.startedAt, files: event.counters.files, bytesScanned: event.counters.bytesScanned, bytesNew: event.counters.bytesNew };
    }
    state.body = null;
  }

  private current(app: AppContext): State | undefined {
    return this.state?.app === app ? this.state : undefined;
  }

  /** The event's activity is the next id: the watermark moves with it. Otherwise it stays, and the next scrape reads all. */
  private advance(state: State, id: number): boolean {
    if (id <= state.highest) return state.running.has(id);
    if (id !== state.highest + 1) return false;
    state.highest = id;
    return true;
  }
}

async function readWatermark(app: AppContext): Promise<Watermark> {
  const [bounds, running] = await Promise.all([app.store.activity.idBounds(), runningBackups(app)]);
  return { ...bounds, running: new Map(running.map((a) => [a.id, a.set ?? ''])) };
}

function sameWatermark(a: Watermark, b: Watermark): boolean {
  if (a.lowest !== b.lowest || a.highest !== b.highest || a.pruned !== b.pruned || a.running.size !== b.running.size) return false;
  for (const id of b.running.keys()) if (!a.running.has(id)) return false;
  return true;
}
