/**
 * Durations as users write them in vigil.yaml: `30s`, `15m`, `1h`, `5d`, `1h30m`, or a bare
 * number of seconds.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text * 1000 : undefined;
  const compact = text.replace(/\s+/g, '');
  if (/^\d+(?:\.\d+)?$/.test(compact)) return Number(compact) * 1000;
  if (!DURATION.test(compact)) return undefined;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit!] ?? 0);
  return total;
}

// The one duration formatter lives with the other units; config-style is its default.
export { formatDuration } from '../domain/units.js';
