/**
 * How Vigil shows a moment to people — alerts, pager lines, the CLI — in `admin.timezone` like the
 * summaries (default: the host's zone), always in one shape: `2026-11-20 11:00 UTC+1`. The offset
 * is written as a number, never an abbreviation: "CST" is three different zones, `UTC+1` is one.
 * Pure: Intl is data, not I/O.
 */
export function formatTime(ms: number | null, timezone?: string): string {
  if (ms === null) return '';
  const { date, zone } = wallClock(ms, timezone, true);
  return `${date} ${zoneLabel(zone)}`;
}

/** `2026-11-22 20:00` in `timezone` (the host's when undefined), without the zone: summaries state it once. */
export function localTime(ms: number, timezone: string | undefined): string {
  return wallClock(ms, timezone, false).date;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one (a fleet summary
// formats thousands of times): one per zone and shape, kept. Without a zone it is the host's,
// as it was when first asked (a service does not change its TZ while it runs).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string | undefined, withZone: boolean): Intl.DateTimeFormat {
  const key = `${timezone ?? ''}|${withZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(withZone ? { timeZoneName: 'longOffset' as const } : {}),
      ...(timezone ? { timeZone: timezone } : {}),
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

function wallClock(ms: number, timezone: string | undefined, withZone: boolean): { date: string; zone: string } {
  const parts = formatterFor(timezone, withZone).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`, zone: get('timeZoneName') };
}

/** Intl's `GMT+01:00` / `GMT` as `UTC+1`, `UTC+5:30`, `UTC`. */
function zoneLabel(longOffset: string): string {
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(longOffset);
  if (!m || (m[2] === '00' && m[3] === '00')) return 'UTC';
  const hours = String(Number(m[2]));
  return `UTC${m[1]}${hours}${m[3] === '00' ? '' : `:${m[3]}`}`;
}
