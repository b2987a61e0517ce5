import { formatBytes } from '../../domain/units.js';

/**
 * Times on the pages: `2026-11-29 14:05` in admin.timezone, inside <time datetime> so the exact
 * instant is there for machines. One cached Intl formatter per zone: building one costs more
 * than the whole row it formats, and the overview formats thousands.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string | undefined): Intl.DateTimeFormat {
  const key = timezone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timezone ? { timeZone: timezone } : {}) });
    formatters.set(key, f);
  }
  return f;
}

export function shortTime(ms: number, timezone: string | undefined): string {
  return formatter(timezone).format(new Date(ms)).replace(',', '');
}

export function When(props: { ms: number | null | undefined; tz: string | undefined }) {
  if (!props.ms) return <span class="muted">—</span>;
  return <time datetime={new Date(props.ms).toISOString()}>{shortTime(props.ms, props.tz)}</time>;
}

export function bytes(n: number): string {
  return formatBytes(n);
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
