import { MAX_LOG_ENTRIES, MAX_LOG_MESSAGE } from '../domain/activity.js';
import type { Severity } from '../domain/message.js';

/** An entry as work reports it: an engine's (no path, or one), or a note with `path: null`. */
export interface LogEntryToCap {
  severity: Severity;
  message: string;
  path?: string | null | undefined;
}

const RANK: Record<Severity, number> = { critical: 0, error: 1, warning: 2, info: 3 };

/**
 * Caps a run's log at `max` entries, keeping the most severe first (an error at the end of a
 * million lines of chatter survives) and the original order among those kept. The summary entry
 * says how many of each severity were dropped.
 */
export function capLog(entries: readonly LogEntryToCap[], max = MAX_LOG_ENTRIES): { log: Array<{ severity: Severity; message: string; path: string | null }>; dropped: number } {
  const clean = entries.map((e) => ({ severity: e.severity, message: e.message.length > MAX_LOG_MESSAGE ? `${e.message.slice(0, MAX_LOG_MESSAGE)}…` : e.message, path: e.path ?? null }));
  if (clean.length <= max) return { log: clean, dropped: 0 };
  const keep = max - 1;
  const order = clean.map((e, index) => ({ index, rank: RANK[e.severity] ?? 3 })).sort((a, b) => a.rank - b.rank || a.index - b.index);
  const kept = new Set(order.slice(0, keep).map((o) => o.index));
  const droppedBySeverity = new Map<Severity, number>();
  clean.forEach((e, index) => {
    if (!kept.has(index)) droppedBySeverity.set(e.severity, (droppedBySeverity.get(e.severity) ?? 0) + 1);
  });
  const dropped = clean.length - keep;
  const detail = [...droppedBySeverity].map(([severity, count]) => `${count} ${severity}`).join(', ');
  const log = clean.filter((_, index) => kept.has(index));
  log.push({ severity: 'info', message: `${dropped} log entries not kept (${detail}); a run keeps at most ${max}`, path: null });
  return { log, dropped };
}
