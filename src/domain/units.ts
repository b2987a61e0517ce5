/** `1.5 MiB`: binary units, one decimal below 10, for people reading a table or a summary. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * How a duration is written:
 * - `config`: exactly, as vigil.yaml accepts it back (`1h30m`, `2d4h`, `250ms`) — for messages
 *   that quote a configured timeout or window, so the reader can find it in the file;
 * - `summary`: rounded to its two largest units, hours at most (`45s`, `2m 5s`, `26h 3m`) — for a
 *   person reading a notification or a report.
 */
export type DurationStyle = 'config' | 'summary';

/** The one duration formatter (see DurationStyle). */
export function formatDuration(ms: number, style: DurationStyle = 'config'): string {
  return style === 'summary' ? roundedDuration(ms) : exactDuration(ms);
}

function exactDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

function roundedDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1000, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/**
 * A rate of bytes per second as vigil.yaml writes it — `20MiB/s`, `500 KiB/s`, `1.5MB/s`, `800k`
 * (decimal units are powers of 1000, binary ones of 1024; `/s` may be left out) — or a plain
 * number of bytes per second. Undefined when it is not one, or not above zero.
 */
export function parseByteRate(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? text : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*(?:\/\s*s)?\s*$/i.exec(text);
  const unit = BYTE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined) return undefined;
  const rate = Number(match[1]) * unit;
  return rate > 0 ? Math.round(rate) : undefined;
}
