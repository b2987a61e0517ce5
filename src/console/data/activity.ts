import { parseDuration } from '../../config/duration.js';
import { ACTIVITY_KINDS, ACTIVITY_STATUSES, type Activity, type ActivityKind, type ActivityLogEntry, type ActivityStatus } from '../../domain/activity.js';
import type { AppContext } from '../../app/context.js';
import { clampLimit } from './outbox.js';

export interface ActivityQuery {
  set?: string;
  kind?: ActivityKind;
  status?: ActivityStatus;
  /** `24h`, `7d`…: activities that started that long ago or since. */
  since?: string;
  /** Only the activities of this host (a fleet sharing one store). */
  host?: string;
  limit: number;
}

export function parseActivityQuery(q: Record<string, string | undefined>): ActivityQuery {
  return {
    ...(q.set ? { set: q.set } : {}),
    ...(q.kind && (ACTIVITY_KINDS as readonly string[]).includes(q.kind) ? { kind: q.kind as ActivityKind } : {}),
    ...(q.status && ACTIVITY_STATUSES.includes(q.status as ActivityStatus) ? { status: q.status as ActivityStatus } : {}),
    ...(q.since && parseDuration(q.since) !== undefined ? { since: q.since } : {}),
    ...(q.host ? { host: q.host } : {}),
    limit: clampLimit(q.limit, 100),
  };
}

export async function listActivity(app: AppContext, query: ActivityQuery): Promise<Activity[]> {
  const sinceMs = query.since ? parseDuration(query.since) : undefined;
  return app.store.activity.list({
    limit: query.limit,
    ...(query.set ? { set: query.set } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.status ? { statuses: [query.status] } : {}),
    ...(query.host ? { host: query.host } : {}),
    ...(sinceMs !== undefined ? { since: app.clock.now() - sinceMs } : {}),
  });
}

/** A run with its log; `search` keeps the entries whose message or path contains it (any case). */
export async function loadRun(app: AppContext, id: number, search?: string): Promise<{ activity: Activity; log: ActivityLogEntry[]; logTotal: number } | undefined> {
  const activity = await app.store.activity.get(id);
  if (!activity) return undefined;
  const all = (await app.store.activity.log(id)).map((e) => ({ ...e, message: app.redactor.redact(e.message) }));
  const needle = search?.trim().toLowerCase();
  const log = needle ? all.filter((e) => e.message.toLowerCase().includes(needle) || (e.path ?? '').toLowerCase().includes(needle)) : all;
  return { activity: { ...activity, firstError: activity.firstError === null ? null : app.redactor.redact(activity.firstError) }, log, logTotal: all.length };
}
