import type { SnapshotInfo } from './snapshot.js';

/** How many snapshots to keep: the `keep:` block of a builtin set. */
export interface KeepPolicy {
  last?: number | undefined;
  daily?: number | undefined;
  weekly?: number | undefined;
  monthly?: number | undefined;
}

export interface RetentionDecision {
  keep: SnapshotInfo[];
  remove: SnapshotInfo[];
  /** Why each kept snapshot is kept ("last", "daily 2024-05-01", ...). */
  reasons: Map<string, string[]>;
}

/**
 * restic's `forget` semantics: going from newest to oldest, `last: n` keeps the n newest; `daily: n`
 * keeps the newest snapshot of each of the n most recent days that have one (local time); weekly
 * (ISO weeks) and monthly likewise. A snapshot kept by any rule is kept. An empty policy keeps
 * everything: prune never deletes snapshots nobody asked it to.
 */
export function applyRetention(snapshots: readonly SnapshotInfo[], policy: KeepPolicy): RetentionDecision {
  const newestFirst = [...snapshots].sort((a, b) => b.time.localeCompare(a.time) || b.id.localeCompare(a.id));
  const reasons = new Map<string, string[]>();
  const rules: { name: string; count: number; bucket: (date: Date) => string }[] = [
    { name: 'last', count: policy.last ?? 0, bucket: () => '' },
    { name: 'daily', count: policy.daily ?? 0, bucket: (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` },
    { name: 'weekly', count: policy.weekly ?? 0, bucket: isoWeek },
    { name: 'monthly', count: policy.monthly ?? 0, bucket: (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}` },
  ];
  if (rules.every((rule) => rule.count <= 0)) {
    for (const snapshot of newestFirst) reasons.set(snapshot.id, ['no keep policy']);
    return { keep: [...snapshots], remove: [], reasons };
  }
  for (const rule of rules) {
    let left = rule.count;
    let lastBucket: string | undefined;
    for (const snapshot of newestFirst) {
      if (left <= 0) break;
      const bucket = rule.name === 'last' ? snapshot.id : rule.bucket(new Date(snapshot.time));
      if (bucket === lastBucket) continue;
      lastBucket = bucket;
      left--;
      const why = rule.name === 'last' ? 'last' : `${rule.name} ${bucket}`;
      reasons.set(snapshot.id, [...(reasons.get(snapshot.id) ?? []), why]);
    }
  }
  return {
    keep: snapshots.filter((snapshot) => reasons.has(snapshot.id)),
    remove: snapshots.filter((snapshot) => !reasons.has(snapshot.id)),
    reasons,
  };
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** ISO-8601 week, e.g. "2024-W09", in local time. */
function isoWeek(date: Date): string {
  const day = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const weekday = (day.getDay() + 6) % 7; // Monday = 0
  day.setDate(day.getDate() - weekday + 3); // the Thursday of this week decides the year
  const firstThursday = new Date(day.getFullYear(), 0, 4);
  const week = 1 + Math.round(((day.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getDay() + 6) % 7)) / 7);
  return `${day.getFullYear()}-W${pad(week)}`;
}
