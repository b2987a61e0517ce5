import type { Summary, TrendRow } from '../domain/summary-build.js';
import { ago, bytes, dayState, duration } from './format.js';
import { CELL, COLOR, e, HEAD, NOTE, row, SETS_CLASS, SETS_WRAPPER, statusCell, statusColor, table } from './html-parts.js';

/**
 * The Sets section of the HTML summary. A full row with 14 trend bars costs ~2.5 kB of HTML, and
 * Gmail clips a message over ~100 kB: 1,000 sets in full made 3.3 MB, of which an administrator
 * saw the first thirtieth. So up to FULL_SETS_MAX sets the table is complete; beyond, only the
 * sets that need a look get a full row (at most DETAIL_MAX, worst first), the others are named
 * in a line each group. The text part always lists every set.
 */
export const FULL_SETS_MAX = 50;
export const DETAIL_MAX = 10;
const BAR_MAX_PX = 22;

export function setsSection(s: Summary): string[] {
  if (s.rows.length === 0) return ['<p>No backup sets are configured.</p>'];
  if (s.rows.length <= FULL_SETS_MAX) return [setTable(s, s.rows.map((_r, i) => i)), legend()];

  const index = new Map(s.rows.map((r, i) => [r.set, i]));
  const flagged = needingALook(s);
  const detailed = flagged.slice(0, DETAIL_MAX);
  const more = flagged.slice(DETAIL_MAX);
  const flaggedSet = new Set(flagged);
  const healthy = s.rows.filter((r) => !flaggedSet.has(r.set));
  const out: string[] = [];
  if (detailed.length) out.push(`<p style="margin:0 0 6px 0">Sets that need a look${more.length ? ` (the ${detailed.length} worst)` : ''}:</p>`, setTable(s, detailed.map((n) => index.get(n)!)), legend());
  if (more.length) {
    // Grouped by status: a name costs ~10 bytes here, against ~2.5 kB for a full row.
    const byStatus = new Map<string, string[]>();
    for (const n of more) {
      const status = s.rows[index.get(n)!]!.lastStatus ?? 'never ran';
      byStatus.set(status, [...(byStatus.get(status) ?? []), n]);
    }
    const groups = [...byStatus].map(([status, names]) => `<span style="color:${statusColor(status === 'never ran' ? null : status)}">${e(status)}</span> (${names.length}): ${names.map(e).join(', ')}`);
    out.push(`<p>${more.length} more sets that need a look, by last status:<br>${groups.join('<br>')}</p>`);
  }
  if (healthy.length) {
    out.push(`<p><span style="color:${COLOR.ok}">${healthy.length} healthy sets</span> (last run completed, nothing to note; runs in the period): ${healthy.map((r) => `${e(r.set)} (${r.runs})`).join(', ')}</p>`);
  }
  const condensed = [healthy.length ? `${healthy.length} healthy sets` : '', more.length ? `${more.length} sets that need a look` : ''].filter(Boolean).join(' and ');
  out.push(`<p style="${NOTE}">${condensed} condensed; the text part lists every set with its trend.</p>`);
  return out;
}

/**
 * Sets whose latest run did not simply complete, or that have a problem or an anomaly in the
 * period; worst first (the attention list's order), then by name.
 */
function needingALook(s: Summary): string[] {
  const names = new Set<string>();
  for (const p of s.attention) names.add(p.set);
  for (const a of s.anomalies) names.add(a.set);
  for (const r of s.rows) if (r.lastStatus !== 'completed') names.add(r.set);
  const listed = new Set(s.rows.map((r) => r.set));
  return [...names].filter((n) => listed.has(n));
}

function setTable(s: Summary, indices: number[]): string {
  const head = row(['Set', 'Last status', 'Runs', 'Scanned', 'Added', 'Took', 'Last success', `Trend (${s.trend.days.length} days)`], HEAD, 'th');
  const body = indices.map((i) => {
    const r = s.rows[i]!;
    return row([e(r.set), statusCell(r.lastStatus), String(r.runs), e(bytes(r.bytesScanned)), e(bytes(r.bytesNew)), e(duration(r.durationMs)), e(ago(r.sinceSuccessMs)), trendBars(s.trend.rows[i]!)], CELL);
  });
  return `<div style="${SETS_WRAPPER}">${table(head + body.join(''), SETS_CLASS)}</div>`;
}

function legend(): string {
  return `<div style="color:#777;font-size:12px;margin-top:4px">Trend: one bar per day, height = data added; <span style="color:${COLOR.partial}">amber</span> partial, <span style="color:${COLOR.bad}">red</span> failed or missed, grey nothing ran.</div>`;
}

/** One cell per day, each a bar whose height is the data added that day relative to the set's busiest day. */
function trendBars(row: TrendRow): string {
  const max = Math.max(1, ...row.cells.map((c) => c?.bytesNew ?? 0));
  const cells = row.cells.map((c) => {
    const state = dayState(c);
    const px = state === 'none' ? 1 : state === 'ok' ? Math.max(3, Math.round((c!.bytesNew / max) * BAR_MAX_PX)) : BAR_MAX_PX;
    return `<td style="padding:0 1px 0 0;vertical-align:bottom"><div style="width:6px;height:${px}px;background:${COLOR[state]};font-size:0"></div></td>`;
  });
  // The height is the inner table's, so each bar cell carries only its own bar (~120 bytes a day).
  return `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse;height:${BAR_MAX_PX}px"><tr>${cells.join('')}</tr></table>`;
}
