import type { Summary, TrendRow } from '../domain/summary-build.js';
import { escapeHtml } from '../notify/template.js';
import { ago, anomalyText, bytes, countsLine, dayState, deliveryLine, duration, escalationLines, periodLine, problemHeadline, when } from './format.js';

/**
 * The HTML summary. Mail clients strip <style>, scripts and remote images, so everything is a
 * table with inline styles; the trend bars are table cells. Every value is escaped: set names,
 * error text and host names may come from a hostile source.
 */
const COLOR = { bad: '#c62828', partial: '#ef8f00', ok: '#2e7d32', none: '#d0d0d0' } as const;
const CELL = 'padding:3px 8px;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top';
const HEAD = `${CELL};background:#f3f3f3;font-weight:bold`;
const BAR_MAX_PX = 22;
const e = escapeHtml;

export function renderSummaryHtml(s: Summary, timezone: string | undefined): string {
  const out: string[] = [];
  out.push(
    '<!doctype html><html><body style="margin:0;padding:12px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">',
    `<h2 style="margin:0 0 4px 0;font-size:18px">Vigil ${e(s.kind)} summary for ${e(s.host)}</h2>`,
    `<div style="color:#555">${e(periodLine(s, timezone))}</div>`,
    `<div style="margin:6px 0 14px 0;font-size:16px;font-weight:bold;color:${s.healthy ? COLOR.ok : COLOR.bad}">${e(countsLine(s))}</div>`,
  );

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

  out.push(h3('Sets'));
  if (s.rows.length === 0) out.push('<p>No backup sets are configured.</p>');
  else {
    const head = row(['Set', 'Last status', 'Runs', 'Scanned', 'Added', 'Took', 'Last success', `Trend (${s.trend.days.length} days)`], HEAD, 'th');
    const body = s.rows.map((r, i) =>
      row(
        [e(r.set), statusCell(r.lastStatus), String(r.runs), e(bytes(r.bytesScanned)), e(bytes(r.bytesNew)), e(duration(r.durationMs)), e(ago(r.sinceSuccessMs)), trendBars(s.trend.rows[i]!)],
        CELL,
      ),
    );
    out.push(table(head + body.join('')));
    out.push(`<div style="color:#777;font-size:12px;margin-top:4px">Trend: one bar per day, height = data added; <span style="color:${COLOR.partial}">amber</span> partial, <span style="color:${COLOR.bad}">red</span> failed or missed, grey nothing ran.</div>`);
  }

  if (s.growth) {
    out.push(h3(`Vault growth: ${bytes(s.growth.total)} added this week`));
    if (s.growth.perSet.length) out.push(table(s.growth.perSet.slice(0, 20).map((g) => row([e(g.set), e(bytes(g.bytesNew))], CELL)).join('')));
  }
  if (s.housekeeping) {
    const h = s.housekeeping;
    out.push(h3('Housekeeping'), `<p>Pruned ${h.prunedActivities} old activities and ${h.prunedMessages} old Outbox messages.</p>`);
    if (h.checks.length) out.push(table(h.checks.map((c) => row([e(`${c.what} ${c.set}`), statusCell(c.status), e(`${c.activityId !== null ? `vigil activity show ${c.activityId}` : ''}${c.note ? ` — ${c.note}` : ''}`)], CELL)).join('')));
  }

  out.push(h3('Delivery'), `<p>${e(deliveryLine(s))}</p>`, `<p>${escalationLines(s, timezone).map(e).join('<br>')}</p>`);
  if (s.credentials === null) out.push('<p style="color:#777">Credential expiry: not checked by this version.</p>');
  else if (s.credentials.length) out.push(`<p style="color:${COLOR.bad}">${s.credentials.map((c) => e(`Credential: ${c.text}`)).join('<br>')}</p>`);

  out.push(h3('Next runs'));
  if (s.nextRuns.length === 0) out.push('<p>No set is scheduled.</p>');
  else out.push(table(s.nextRuns.map((n) => row([e(when(n.at, timezone)), e(n.set)], CELL)).join('') + (s.nextRunsMore ? row(['', `… and ${s.nextRunsMore} more`], CELL) : '')));
  out.push(`<p style="color:#777;font-size:12px">Vigil on ${e(s.host)}, ${e(when(s.generatedAt, timezone))}</p></body></html>`);
  return out.join('\n') + '\n';
}

function h3(text: string): string {
  return `<h3 style="margin:16px 0 6px 0;font-size:15px">${e(text)}</h3>`;
}

function table(inner: string): string {
  return `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse">${inner}</table>`;
}

function row(cells: string[], style: string, tag: 'td' | 'th' = 'td'): string {
  return `<tr>${cells.map((c) => `<${tag} style="${style}">${c}</${tag}>`).join('')}</tr>`;
}

function badge(word: string, color: string): string {
  return `<span style="color:#fff;background:${color};padding:1px 5px;font-size:12px;font-weight:bold">${e(word)}</span>`;
}

function statusCell(status: string | null): string {
  if (status === null) return '<span style="color:#777">never ran</span>';
  const color = status === 'completed' ? COLOR.ok : status === 'completed-with-warnings' || status === 'skipped' || status === 'not run' ? COLOR.partial : COLOR.bad;
  return `<span style="color:${color}">${e(status)}</span>`;
}

/** One cell per day, each a bar whose height is the data added that day relative to the set's busiest day. */
function trendBars(row: TrendRow): string {
  const max = Math.max(1, ...row.cells.map((c) => c?.bytesNew ?? 0));
  const cells = row.cells.map((c) => {
    const state = dayState(c);
    const px = state === 'none' ? 1 : state === 'ok' ? Math.max(3, Math.round((c!.bytesNew / max) * BAR_MAX_PX)) : BAR_MAX_PX;
    return `<td style="width:6px;height:${BAR_MAX_PX}px;padding:0 1px 0 0;vertical-align:bottom"><div style="height:${px}px;width:6px;background:${COLOR[state]};font-size:0;line-height:0"></div></td>`;
  });
  return `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr>${cells.join('')}</tr></table>`;
}
