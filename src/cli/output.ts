import { formatTime } from '../domain/time-format.js';

/** Small helpers to print tables and JSON the same way in every command. */
export function printJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(JSON.stringify(value, null, 2) + '\n');
}

export function printTable(stream: NodeJS.WritableStream, headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  stream.write(line(headers) + '\n');
  for (const row of rows) stream.write(line(row) + '\n');
}

/** A time for people, as alerts and summaries write it: `admin.timezone`, `2026-11-20 11:00 UTC+1`. */
export function shownTime(ms: number | null | undefined, timezone: string | undefined): string {
  return ms ? formatTime(ms, timezone) : '-';
}

export function isoTime(ms: number | null | undefined): string {
  return ms ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

export function truncate(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width - 1) + '…';
}
