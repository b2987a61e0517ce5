import type { Summary } from '../domain/summary-build.js';
import { alertPausesLine, anomalyText, bytes, countsLine, deliveryLine, escalationLines, latenessLine, periodLine, problemHeadline, when } from './format.js';
import { badge, CELL, COLOR, e, h3, NOTE, RESPONSIVE_STYLE, row, statusCell, table } from './html-parts.js';
import { FULL_SETS_MAX, setsSection } from './render-html-sets.js';

/**
 * The HTML summary. Many mail clients strip <style>, scripts and remote images, so everything is
 * a table with inline styles; the trend bars are table cells. The one <style>, a media query for
 * phones, only improves on that (html-parts.ts RESPONSIVE_STYLE). Every value is escaped: set names,
 * error text and host names may come from a hostile source. What needs attention is listed as
 * in the text part; for large installations the per-set parts are condensed (render-html-sets.ts) so the
 * message stays under the ~100 kB at which Gmail clips it.
 */
export function renderSummaryHtml(s: Summary, timezone: string | undefined): string {
  const out: string[] = [];
  out.push(
    // Fluid: a phone's width, at most a comfortable reading width; long paths wrap anywhere.
    `<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1">${RESPONSIVE_STYLE}</head>`,
    '<body style="margin:0;padding:12px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;overflow-wrap:anywhere;word-break:break-word">',
    `<h2 style="margin:0 0 4px 0;font-size:18px">Vigil ${e(s.kind)} summary for ${e(s.host)}</h2>`,
    `<div style="color:#555">${e(periodLine(s, timezone))}</div>`,
    `<div style="margin:6px 0 14px 0;font-size:16px;font-weight:bold;color:${s.healthy ? COLOR.ok : COLOR.bad}">${e(countsLine(s))}</div>`,
  );
  const paused = alertPausesLine(s, timezone);
  if (paused) out.push(`<div style="margin:0 0 14px 0;font-weight:bold;color:${COLOR.partial}">${e(paused)}</div>`);

  out.push(h3('Needs attention'));
  if (s.healthy) out.push(`<p style="color:${COLOR.ok}">Nothing: every backup that ended in the period completed, and delivery is healthy.</p>`);
  const items: string[] = [];
  for (const p of s.attention) {
    const h = problemHeadline(p, timezone);
    const color = h.word === 'WARNINGS' || h.word === 'SKIPPED' ? COLOR.partial : COLOR.bad;
    items.push(row([badge(h.word, color), `${e(h.text)}<br><code style="color:#555">${e(h.pointer)}</code>`], CELL));
  }
  if (s.attentionMore) items.push(row(['', `… and ${s.attentionMore} more`], CELL));
  for (const a of s.anomalies) items.push(row([badge('ANOMALY', COLOR.partial), `${e(anomalyText(a))}<br><code style="color:#555">vigil activity show ${a.activityId}</code>`], CELL));
  for (const f of s.adminFailures) items.push(row([badge('ADMIN', COLOR.bad), `an Admin process failed: ${e(f.firstError ?? 'see its activity')}<br><code style="color:#555">vigil activity show ${f.activityId}</code>`], CELL));
  for (const m of s.missing) items.push(row([badge('NOT READ', COLOR.bad), e(`${m.part} could not be read, so this summary leaves it out: ${m.error}`)], CELL));
  if (items.length) out.push(table(items.join('')));

  out.push(h3('Sets'), ...setsSection(s));

  if (s.growth) {
    out.push(h3(`Vault growth: ${bytes(s.growth.total)} added this week`));
    if (s.growth.perSet.length) out.push(table(s.growth.perSet.slice(0, 20).map((g) => row([e(g.set), e(bytes(g.bytesNew))], CELL)).join('')));
  }
  if (s.housekeeping) {
    const h = s.housekeeping;
    out.push(h3('Housekeeping'), `<p>Pruned ${h.prunedActivities} old activities and ${h.prunedMessages} old Outbox messages.</p>`);
    // A vault check per set: with many sets only the ones that did not complete get a row.
    const shown = h.checks.length <= FULL_SETS_MAX ? h.checks : h.checks.filter((c) => c.status !== 'completed');
    if (shown.length) out.push(table(shown.map((c) => row([e(`${c.what} ${c.set}`), statusCell(c.status), e(`${c.activityId !== null ? `vigil activity show ${c.activityId}` : ''}${c.note ? ` — ${c.note}` : ''}`)], CELL)).join('')));
    if (shown.length < h.checks.length) out.push(`<p style="${NOTE}">${h.checks.length - shown.length} vault checks completed; the text part lists each.</p>`);
  }

  out.push(h3('Delivery'), `<p>${e(deliveryLine(s))}<br>${e(latenessLine(s))}</p>`, `<p>${escalationLines(s, timezone).map(e).join('<br>')}</p>`);
  if (s.credentials === null) out.push('<p style="color:#777">Credential expiry: not checked by this version.</p>');
  else if (s.credentials.length) out.push(`<p style="color:${COLOR.bad}">${s.credentials.map((c) => e(`Credential: ${c.text}`)).join('<br>')}</p>`);

  out.push(h3('Next runs'));
  if (s.nextRuns.length === 0) out.push('<p>No set is scheduled.</p>');
  else out.push(table(s.nextRuns.map((n) => row([e(when(n.at, timezone)), e(n.set)], CELL)).join('') + (s.nextRunsMore ? row(['', `… and ${s.nextRunsMore} more`], CELL) : '')));
  out.push(`<p style="color:#777;font-size:12px">Vigil on ${e(s.host)}, ${e(when(s.generatedAt, timezone))}</p></body></html>`);
  return out.join('\n') + '\n';
}
