import type { Anomaly } from '../domain/anomalies.js';
import type { Summary, TrendRow } from '../domain/summary-build.js';
import type { ProblemGroup } from '../domain/summary.js';
import { localTime } from '../domain/time-format.js';
import { formatBytes, formatDuration } from '../domain/units.js';

/** Shared wording of the text and HTML summaries, so both say the same thing. */

export { formatBytes as bytes };

/** A duration in a summary: rounded, for a person (`2m 5s`). */
export const duration = (ms: number): string => formatDuration(ms, 'summary');

/** `Alerts paused: alpha until 14:00, every set until vigil resume` (vigil pause), or null. */
export function alertPausesLine(s: Pick<Summary, 'alertPauses'>, timezone: string | undefined): string | null {
  if (s.alertPauses.length === 0) return null;
  const parts = s.alertPauses.map((p) => `${p.set === '*' ? 'every set' : p.set} until ${p.until === null ? 'vigil resume' : when(p.until, timezone)}`);
  return `Alerts paused: ${parts.join(', ')} (runs are recorded; their alerts are not sent)`;
}

export function ago(ms: number | null): string {
  return ms === null ? 'never' : `${formatDuration(ms, 'summary')} ago`;
}

export function when(ms: number, timezone: string | undefined): string {
  return localTime(ms, timezone);
}

export function periodLine(s: Pick<Summary, 'period'>, timezone: string | undefined): string {
  return `${when(s.period.start, timezone)} – ${when(s.period.end, timezone)} (${timezone ?? 'host time'})`;
}

export function countsLine(s: Summary): string {
  return s.subject.slice(s.subject.indexOf(': ') + 2);
}

const STATUS_WORD: Record<string, string> = {
  failed: 'FAILED',
  missed: 'MISSED',
  incomplete: 'INCOMPLETE',
  'completed-with-errors': 'ERRORS',
  'completed-with-warnings': 'WARNINGS',
  skipped: 'SKIPPED',
  cancelled: 'CANCELLED',
  interrupted: 'INTERRUPTED',
};

export function problemHeadline(p: ProblemGroup, timezone: string | undefined): { word: string; text: string; pointer: string } {
  const runs = p.count === 1 ? '1 run' : `${p.count} runs, latest`;
  return {
    word: STATUS_WORD[p.status] ?? p.status.toUpperCase(),
    text: `${p.set} (${runs} ended ${when(p.latest.endedAt, timezone)})${p.latest.firstError ? `: ${oneLine(p.latest.firstError)}` : ''}`,
    pointer: `vigil activity show ${p.latest.activityId}`,
  };
}

export function anomalyText(a: Anomaly): string {
  const runs = a.runs > 1 ? ` (${a.runs} runs in the period; the latest)` : '';
  switch (a.metric) {
    case 'files':
      return `${a.set}: backed up ${a.value} files, usually ${a.usual}${runs}`;
    case 'bytes':
      return `${a.set}: scanned ${formatBytes(a.value)}, usually ${formatBytes(a.usual)}${runs}`;
    case 'duration':
      return `${a.set}: took ${formatDuration(a.value, 'summary')}, usually ${formatDuration(a.usual, 'summary')}${runs}`;
  }
}

export function deliveryLine(s: Pick<Summary, 'delivery'>): string {
  const d = s.delivery;
  const duplicates = d.possibleDuplicates ? `; possible duplicates: ${d.possibleDuplicates} (sent again after an attempt whose outcome is unknown)` : '';
  return `sent ${d.sent}, handed to a local mail program ${d.queuedLocally}, failed ${d.failed}, expired ${d.expired}; stuck now: ${d.stuck} in the Outbox, ${d.stuckInMta} in a local MTA queue${duplicates}`;
}

/** Mail that was late in the period: deferred or retried messages and the longest delay. */
export function latenessLine(s: Pick<Summary, 'delivery'>): string {
  const d = s.delivery;
  if (d.deferred === undefined) return 'late: not reported by this version';
  if (d.deferred === 0 && !d.longestDelayMs) return 'late: none (every message delivered at its first attempt)';
  const deferred = `${d.deferred} message${d.deferred === 1 ? '' : 's'} deferred or retried`;
  return `late: ${deferred}; longest delay before delivery ${d.longestDelayMs ? formatDuration(d.longestDelayMs, 'summary') : '-'}`;
}

export function escalationLines(s: Pick<Summary, 'escalations'>, timezone: string | undefined): string[] {
  if (!s.escalations.integrated) return ['escalations: not reported by this version'];
  if (s.escalations.items.length === 0) return ['escalations: none'];
  return s.escalations.items.map((e) => `escalated ${when(e.at, timezone)}: ${oneLine(e.text)}`);
}

/** The worst outcome of a trend day: failures, then partial successes, then successes. */
export function dayState(cell: TrendRow['cells'][number]): 'none' | 'bad' | 'partial' | 'ok' {
  if (!cell) return 'none';
  if (cell.bad > 0) return 'bad';
  if (cell.partial > 0) return 'partial';
  return cell.ok > 0 ? 'ok' : 'none';
}

/** Error text can hold newlines and control characters from a program's output: one line, capped. */
export function oneLine(text: string, max = 300): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
