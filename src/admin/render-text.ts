import type { Summary } from '../domain/summary-build.js';
import { alertPausesLine, ago, anomalyText, bytes, countsLine, dayState, deliveryLine, duration, escalationLines, latenessLine, periodLine, problemHeadline, when } from './format.js';

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * The plain-text summary: the e-mail's text part and `vigil admin daily --preview`. What needs
 * attention comes first; then the sets, their trend, delivery health and what runs next.
 */
export function renderSummaryText(s: Summary, timezone: string | undefined): string {
  const out: string[] = [];
  out.push(`Vigil ${s.kind} summary for ${s.host}`, `Period: ${periodLine(s, timezone)}`, `Runs:   ${countsLine(s)}`);
  const paused = alertPausesLine(s, timezone);
  if (paused) out.push(paused);
  out.push('');

  out.push('NEEDS ATTENTION');
  if (s.healthy) out.push('  Nothing: every backup that ended in the period completed, and delivery is healthy.');
  for (const p of s.attention) {
    const h = problemHeadline(p, timezone);
    out.push(`  ${h.word.padEnd(10)} ${h.text}`, `  ${''.padEnd(10)} ${h.pointer}`);
  }
  if (s.attentionMore) out.push(`  … and ${s.attentionMore} more (vigil activity --since ${s.kind === 'daily' ? '24h' : '7d'})`);
  for (const a of s.anomalies) out.push(`  ${'ANOMALY'.padEnd(10)} ${anomalyText(a)}`, `  ${''.padEnd(10)} vigil activity show ${a.activityId}`);
  for (const f of s.adminFailures) out.push(`  ${'ADMIN'.padEnd(10)} an Admin process failed: ${f.firstError ?? 'see its activity'}`, `  ${''.padEnd(10)} vigil activity show ${f.activityId}`);
  for (const m of s.missing) out.push(`  ${'NOT READ'.padEnd(10)} ${m.part} could not be read, so this summary leaves it out: ${m.error}`);
  out.push('');

  out.push('SETS');
  if (s.rows.length === 0) out.push('  No backup sets are configured.');
  else {
    const table = [['SET', 'LAST STATUS', 'RUNS', 'SCANNED', 'ADDED', 'TOOK', 'LAST SUCCESS']];
    for (const r of s.rows) table.push([r.set, r.lastStatus ?? 'never ran', String(r.runs), bytes(r.bytesScanned), bytes(r.bytesNew), duration(r.durationMs), ago(r.sinceSuccessMs)]);
    out.push(...columns(table).map((l) => `  ${l}`));
  }
  out.push('');

  if (s.rows.length) {
    out.push(`TREND (${s.trend.days.length} days to ${s.trend.days.at(-1)?.label ?? ''}; height = data added, ! partial, x failed or missed, · nothing ran)`);
    const width = Math.max(...s.rows.map((r) => r.set.length));
    for (const row of s.trend.rows) {
      const max = Math.max(1, ...row.cells.map((c) => c?.bytesNew ?? 0));
      const bar = row.cells
        .map((c) => {
          const state = dayState(c);
          if (state === 'none') return '·';
          if (state === 'bad') return 'x';
          if (state === 'partial') return '!';
          return BLOCKS[Math.min(BLOCKS.length - 1, Math.floor(((c!.bytesNew / max) * (BLOCKS.length - 1)) + 0.5))];
        })
        .join('');
      out.push(`  ${row.set.padEnd(width)}  ${bar}`);
    }
    out.push('');
  }

  if (s.growth) {
    out.push(`VAULT GROWTH: ${bytes(s.growth.total)} added this week`);
    for (const g of s.growth.perSet.slice(0, 20)) out.push(`  ${g.set}: ${bytes(g.bytesNew)}`);
    if (s.growth.perSet.length > 20) out.push(`  … and ${s.growth.perSet.length - 20} more sets`);
    out.push('');
  }
  if (s.housekeeping) {
    const h = s.housekeeping;
    out.push('HOUSEKEEPING', `  pruned ${h.prunedActivities} old activities and ${h.prunedMessages} old Outbox messages`);
    for (const c of h.checks) out.push(`  ${c.what} ${c.set}: ${c.status}${c.activityId !== null ? ` (vigil activity show ${c.activityId})` : ''}${c.note ? ` — ${c.note}` : ''}`);
    out.push('');
  }

  out.push('DELIVERY', `  ${deliveryLine(s)}`, `  ${latenessLine(s)}`, ...escalationLines(s, timezone).map((l) => `  ${l}`));
  if (s.credentials === null) out.push('  credential expiry: not checked by this version');
  else if (s.credentials.length === 0) out.push('  credentials: none expires soon');
  else for (const c of s.credentials) out.push(`  CREDENTIAL ${c.text}`);
  out.push('');

  out.push('NEXT RUNS');
  if (s.nextRuns.length === 0) out.push('  No set is scheduled.');
  for (const n of s.nextRuns) out.push(`  ${when(n.at, timezone)}  ${n.set}`);
  if (s.nextRunsMore) out.push(`  … and ${s.nextRunsMore} more scheduled sets`);
  out.push('', `— Vigil on ${s.host}, ${when(s.generatedAt, timezone)}`);
  return out.join('\n') + '\n';
}

/** Rows of cells as aligned columns (the last column is not padded). */
export function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_h, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}
