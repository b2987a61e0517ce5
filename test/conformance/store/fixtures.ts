import type { ActivityEnd, NewActivity } from '../../../src/storage/ports/activity-store.js';
import type { Store } from '../../../src/storage/ports/store.js';
import type { Activity, FinalStatus } from '../../../src/domain/activity.js';

/** Shared builders for the store suites: activities as the runner records them. */
export function newBackup(set: string, startedAt: number, over: Partial<NewActivity> = {}): NewActivity {
  return { kind: 'backup', set, engine: 'builtin', trigger: 'schedule', startedAt, ...over };
}

export function ended(status: FinalStatus, endedAt: number, over: Partial<ActivityEnd> = {}): ActivityEnd {
  return { status, endedAt, counters: { files: 1, bytesScanned: 10, bytesNew: 5, errors: 0, warnings: 0 }, log: [], logDropped: 0, ...over };
}

/** Records a whole backup run of `set` from `startedAt` to `endedAt`. */
export function recordRun(store: Store, set: string, status: FinalStatus, startedAt: number, endedAt: number, over: Partial<ActivityEnd> = {}): Promise<Activity> {
  return store.activity.record(newBackup(set, startedAt), ended(status, endedAt, over));
}
