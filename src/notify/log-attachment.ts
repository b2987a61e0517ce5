import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { ActivityLogEntry } from '../domain/activity.js';
import type { BackupEvent } from '../domain/events.js';
import type { Attachment } from '../domain/message.js';
import { DETAIL_LINES_CAP } from './compose.js';
import { detailIncludes, type EffectiveRule } from './rules.js';

const gzipAsync = promisify(gzip);

/** Whether the excerpt in the mail had to leave lines out ("… and N more"). */
export function excerptIsCut(log: readonly ActivityLogEntry[], logDropped: number, rule: EffectiveRule): boolean {
  if (rule.detail === 'status') return false;
  return log.filter((e) => detailIncludes(rule.detail, e.severity)).length > DETAIL_LINES_CAP || logDropped > 0;
}

/**
 * The run's whole stored log as `<set>-<activityId>.log.gz`, for when the excerpt is cut: every
 * entry at every severity, so the admin has what `vigil activity show ID` would print.
 * Compressed off the main thread (zlib's pool), a few KB even for the 500-entry cap.
 */
export async function fullLogAttachment(event: Pick<BackupEvent, 'set' | 'activityId' | 'status'>, log: readonly ActivityLogEntry[], logDropped: number): Promise<Attachment> {
  const lines = [`# Vigil activity ${event.activityId}: backup set ${event.set}, ${event.status}, ${log.length} log entries`];
  for (const e of log) lines.push(`${e.severity.toUpperCase()}: ${e.message}${e.path ? ` (${e.path})` : ''}`);
  if (logDropped > 0) lines.push(`# ${logDropped} further entries were not kept (the run logged more than the activity log keeps)`);
  const safeSet = event.set.replace(/[^A-Za-z0-9._-]/g, '_');
  return { filename: `${safeSet}-${event.activityId}.log.gz`, content: await gzipAsync(Buffer.from(lines.join('\n') + '\n')), contentType: 'application/gzip' };
}
