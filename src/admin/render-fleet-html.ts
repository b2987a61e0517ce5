import { describeHostState } from '../domain/host-state.js';
import { FLEET_ATTENTION_CAP, fleetCountsText, type FleetHostSection, type FleetSummary } from '../domain/fleet-summary.js';
import { ago, anomalyText, bytes, deliveryLine, escalationLines, latenessLine, periodLine, problemHeadline, when } from './format.js';
import { badge, CELL, COLOR, e, h3, HEAD, NOTE, row, statusCell, table } from './html-parts.js';

// Gmail clips a message's HTML past ~100 kB (and hides the rest behind a link most never click).
// A row of the HTML part costs ~0.5–0.7 kB with its inline styles, so a fleet shares a budget of
// rows: each host shows its first few problems and failing sets and counts the rest; a large
// fleet's completed sets are counted, not named. The text part lists everything.
const ROWS_FOR_THE_FLEET = 40;
const NAMED_COMPLETED_MAX = 300;

/**
 * The fleet summary's HTML part: the same content as the text part, built from the single-host
 * summary's parts (inline styles, every value escaped), within the budget above — 20 hosts of
 * 100 sets with a quarter of them failing once stay under 100 kB (test/domain/fleet-summary).
 */
export function renderFleetSummaryHtml(s: FleetSummary, timezone: string | undefined): string {
  const at = (ms: number) => when(ms, timezone);
  const out: string[] = [];
  out.push(
    '<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head>',
    '<body style="margin:0;padding:12px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;overflow-wrap:anywhere;word-break:break-word">',
    `<h2 style="margin:0 0 4px 0;font-size:18px">Vigil ${e(s.kind)} summary for a fleet of ${s.hosts.length} host${s.hosts.length === 1 ? '' : 's'}</h2>`,
    `<div style="color:#555">${e(periodLine(s, timezone))}</div>`,
    `<div style="margin:6px 0 14px 0;font-size:16px;font-weight:bold;color:${s.healthy ? COLOR.ok : COLOR.bad}">${e(fleetCountsText(s.counts))}</div>`,
  );
  out.push(h3('Hosts'));
  const hosts = s.hosts.map((h) => row([e(`${h.name}${h.leader ? ' (leader)' : ''}`), stateCell(h, at), e(fleetCountsText(h.counts)), e(h.nextRunAt === null ? '-' : at(h.nextRunAt))], CELL));
  out.push(table(row(['Host', 'State', 'Runs', 'Next run'], HEAD, 'th') + hosts.join('')));
  const rowsPerHost = Math.min(FLEET_ATTENTION_CAP, Math.max(2, Math.floor(ROWS_FOR_THE_FLEET / Math.max(1, s.hosts.length))));
  const nameCompleted = s.hosts.reduce((n, h) => n + h.rows.length, 0) <= NAMED_COMPLETED_MAX;
  for (const h of s.hosts) out.push(...hostSection(h, timezone, rowsPerHost, nameCompleted));

  out.push(h3('Fleet'));
  const items: string[] = [];
  for (const f of s.adminFailures) items.push(row([badge('ADMIN', COLOR.bad), `an Admin process failed: ${e(f.firstError ?? 'see its activity')}<br><code style="color:#555">vigil activity show ${f.activityId}</code>`], CELL));
  for (const m of s.missing) items.push(row([badge('NOT READ', COLOR.bad), e(`${m.part} could not be read, so this summary leaves it out: ${m.error}`)], CELL));
  if (items.length) out.push(table(items.join('')));
  if (s.housekeeping) out.push(`<p>Pruned ${s.housekeeping.prunedActivities} old activities and ${s.housekeeping.prunedMessages} old Outbox messages.</p>`);
  out.push(`<p>${e(deliveryLine(s))}<br>${e(latenessLine(s))}</p>`, `<p>${escalationLines(s, timezone).map(e).join('<br>')}</p>`);
  if (s.credentials?.length) out.push(`<p style="color:${COLOR.bad}">${s.credentials.map((c) => e(`Credential: ${c.text}`)).join('<br>')}</p>`);
  out.push(`<p style="${NOTE}">Vigil on ${e(s.reporter)}, the fleet's leader, ${e(at(s.generatedAt))}</p></body></html>`);
  return out.join('\n') + '\n';
}

function stateCell(h: FleetHostSection, at: (ms: number) => string): string {
  const color = h.state.kind === 'silent' ? COLOR.bad : h.state.kind === 'stopped' ? COLOR.partial : COLOR.ok;
  return `<span style="color:${color}">${e(describeHostState(h.state, at))}</span>`;
}

function hostSection(h: FleetHostSection, timezone: string | undefined, rowsPerHost: number, nameCompleted: boolean): string[] {
  const at = (ms: number) => when(ms, timezone);
  const out = [h3(`${h.name}${h.leader ? ' (leader)' : ''}: ${describeHostState(h.state, at)} — ${fleetCountsText(h.counts)}`)];
  if (h.state.kind === 'silent') out.push(`<p style="color:${COLOR.bad}">Not heard from since ${e(at(h.state.since))}: its backups are not running and its own alerts are not sent.</p>`);
  // Problems, then anomalies, share the host's rows; what does not fit is counted.
  const problems = h.attention.map((p) => {
    const line = problemHeadline(p, timezone);
    const color = line.word === 'WARNINGS' || line.word === 'SKIPPED' ? COLOR.partial : COLOR.bad;
    return row([badge(line.word, color), `${e(line.text)}<br><code style="color:#555">${e(line.pointer)}</code>`], CELL);
  });
  const anomalies = h.anomalies.map((a) => row([badge('ANOMALY', COLOR.partial), `${e(anomalyText(a))}<br><code style="color:#555">vigil activity show ${a.activityId}</code>`], CELL));
  const items = [...problems, ...anomalies].slice(0, rowsPerHost);
  const problemsLeft = h.attentionMore + Math.max(0, problems.length - rowsPerHost);
  const anomaliesLeft = anomalies.length - Math.max(0, Math.min(anomalies.length, rowsPerHost - problems.length));
  if (problemsLeft) items.push(row(['', `… and ${problemsLeft} more (vigil activity --host ${e(h.name)})`], CELL));
  if (anomaliesLeft) items.push(row(['', `… and ${anomaliesLeft} more anomalies (each named in the text part)`], CELL));
  if (items.length) out.push(table(items.join('')));
  const look = h.rows.filter((r) => r.lastStatus !== 'completed');
  const fine = h.rows.filter((r) => r.lastStatus === 'completed');
  if (look.length) {
    const head = row(['Set', 'Last status', 'Runs', 'Added', 'Last success'], HEAD, 'th');
    const rows = look.slice(0, rowsPerHost).map((r) => row([e(r.set), statusCell(r.lastStatus), String(r.runs), e(bytes(r.bytesNew)), e(ago(r.sinceSuccessMs))], CELL));
    if (look.length > rowsPerHost) rows.push(row(['', `… and ${look.length - rowsPerHost} more sets whose last run did not complete`, '', '', ''], CELL));
    out.push(table(head + rows.join('')));
  }
  if (fine.length) {
    const names = nameCompleted ? `: ${e(fine.map((r) => `${r.set} (${r.runs})`).join(', '))}` : ' (each named in the text part)';
    out.push(`<p style="${NOTE}">${fine.length} set${fine.length === 1 ? '' : 's'} last completed${names}</p>`);
  }
  // Vault checks that did not complete get a row (within the host's rows); completed ones are counted.
  const badChecks = h.checks.filter((c) => c.status !== 'completed');
  if (badChecks.length) {
    const checks = badChecks.slice(0, rowsPerHost).map((c) => row([e(`${c.what} ${c.set}`), statusCell(c.status), e(`${c.activityId !== null ? `vigil activity show ${c.activityId}` : ''}${c.note ? ` — ${c.note}` : ''}`)], CELL));
    if (badChecks.length > rowsPerHost) checks.push(row(['', `… and ${badChecks.length - rowsPerHost} more vault checks that did not complete`, ''], CELL));
    out.push(table(checks.join('')));
  }
  const goodChecks = h.checks.length - badChecks.length;
  if (goodChecks) out.push(`<p style="${NOTE}">${goodChecks} vault check${goodChecks === 1 ? '' : 's'} completed (each named in the text part)</p>`);
  if (h.rows.length === 0) out.push(`<p style="${NOTE}">No backup sets registered.</p>`);
  return out;
}
