import type { AppContext } from '../../app/context.js';
import type { SuccessSample } from '../../domain/summary.js';

/** What one app's Overview requests have read: per set, its newest successes (newest first). */
interface Cached {
  /** The store's lowest activity id and prune count when these were read: a prune changes them, and drops them all. */
  lowest: number;
  pruned: number;
  perSet: number;
  bySet: Map<string, SuccessSample[]>;
}

/** Per app: a reload opens a new one (its configuration, its store), which starts empty. */
const caches = new WeakMap<AppContext, Cached>();

/**
 * Each set's newest successful runs, as `SummaryStore.successSamples` gives them, kept between
 * requests: the Overview's anomalies read 60 per set of its page (100 sets: ~6,000 rows, ~19 ms
 * of CPU a request at 1,000 sets × 90 days). A set's samples change only when it has a new
 * success, and the new one is then its newest: each request asks the store for every set's
 * newest success only (one row a set) and reads the 60 again for the sets whose newest differs
 * from the cached one. A prune deletes old rows — the samples' oldest may be among them — and
 * raises the store's prune count (`ActivityStore.idBounds`; the lowest id moves only when the
 * oldest row went): then everything is read again.
 * Whoever wrote the row (this process, `vigil run` beside it, a fleet's host) does not matter.
 */
export async function cachedSuccessSamples(app: AppContext, sets: readonly string[], perSet: number): Promise<Record<string, SuccessSample[]>> {
  const [newest, bounds] = await Promise.all([app.store.summary.successSamples(sets, 1), app.store.activity.idBounds()]);
  let cache = caches.get(app);
  if (!cache || cache.lowest !== bounds.lowest || cache.pruned !== bounds.pruned || cache.perSet !== perSet) {
    cache = { lowest: bounds.lowest, pruned: bounds.pruned, perSet, bySet: new Map() };
    caches.set(app, cache);
  }
  const { bySet } = cache;
  const stale = sets.filter((set) => !bySet.has(set) || bySet.get(set)![0]?.activityId !== newest[set]?.[0]?.activityId);
  if (stale.length > 0) {
    const read = await app.store.summary.successSamples(stale, perSet);
    for (const set of stale) bySet.set(set, read[set] ?? []);
  }
  const out: Record<string, SuccessSample[]> = {};
  for (const set of sets) out[set] = bySet.get(set) ?? [];
  return out;
}
