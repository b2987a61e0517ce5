import { describeHostState } from '../domain/host-state.js';
import { fleetCountsText, type FleetHostSection, type FleetSummary } from '../domain/fleet-summary.js';
import { columns } from './render-text.js';
import { ago, anomalyText, bytes, deliveryLine, duration, escalationLines, latenessLine, periodLine, problemHeadline, when } from './format.js';

/**
 * The fleet summary's text part (docs/fleet.md): the hosts at a glance, then a section per host
 * — silent hosts first — with what needs attention and every set, then the shared Outbox.
 */
export function renderFleetSummaryText(s: FleetSummary, timezone: string | undefined): string {
  const at = (ms: number) => when(ms, timezone);
  const out: string[] = [];
  out.push(`Vigil ${s.kind} summary for a fleet of ${s.hosts.length} host${s.hosts.length === 1 ? '' : 's'}`, `Period: ${periodLine(s, timezone)}`, `Runs:   ${fleetCountsText(s.counts)}`, '');

  out.push('HOSTS');
  const table = [['HOST', 'STATE', 'RUNS', 'NEXT RUN']];
  for (const h of s.hosts) table.push([`${h.name}${h.leader ? ' (leader)' : ''}`, describeHostState(h.state, at), fleetCountsText(h.counts), h.nextRunAt === null ? '-' : at(h.nextRunAt)]);
  out.push(...columns(table).map((l) => `  ${l}`), '');

  for (const h of s.hosts) out.push(...hostSection(h, s, timezone), '');

  out.push('FLEET');
  for (const f of s.adminFailures) out.push(`  ADMIN      an Admin process failed: ${f.firstError ?? 'see its activity'} (vigil activity show ${f.activityId})`);
  for (const m of s.missing) out.push(`  NOT READ   ${m.part} could not be read, so this summary leaves it out: ${m.error}`);
  if (s.housekeeping) out.push(`  housekeeping: pruned ${s.housekeeping.prunedActivities} old activities and ${s.housekeeping.prunedMessages} old Outbox messages`);
  out.push(`  ${deliveryLine(s)}`, `  ${latenessLine(s)}`, ...escalationLines(s, timezone).map((l) => `  ${l}`));
  if (s.credentials?.length) for (const c of s.credentials) out.push(`  CREDENTIAL ${c.text}`);
  out.push('', `— Vigil on ${s.reporter}, the fleet's leader, ${at(s.generatedAt)}`);
  return out.join('\n') + '\n';
}

function hostSection(h: FleetHostSection, s: FleetSummary, timezone: string | undefined): string[] {
  const at = (ms: number) => when(ms, timezone);
  const out = [`HOST ${h.name}: ${describeHostState(h.state, at).toUpperCase()}${h.leader ? ' (leader)' : ''} — ${fleetCountsText(h.counts)}`];
  if (h.state.kind === 'silent') out.push(`  Not heard from since ${at(h.state.since)}: its backups are not running and its own alerts are not sent (vigil hosts).`);
  if (h.state.kind === 'stopped') out.push(`  Stopped cleanly at ${at(h.state.since)}; it is reported silent if it stays down past its next scheduled run.`);
  for (const p of h.attention) {
    const line = problemHeadline(p, timezone);
    out.push(`  ${line.word.padEnd(10)} ${line.text}`, `  ${''.padEnd(10)} ${line.pointer} (on ${h.name})`);
  }
  for (const a of h.anomalies) out.push(`  ${'ANOMALY'.padEnd(10)} ${anomalyText(a)}`, `  ${''.padEnd(10)} vigil activity show ${a.activityId} (on ${h.name})`);
  if (h.attentionMore) out.push(`  … and ${h.attentionMore} more (vigil activity --host ${h.name} --since ${s.kind === 'daily' ? '24h' : '7d'})`);
  for (const c of h.checks) out.push(`  ${c.what} ${c.set}: ${c.status}${c.activityId !== null ? ` (vigil activity show ${c.activityId})` : ''}${c.note ? ` — ${c.note}` : ''}`);
  if (h.rows.length === 0) {
    out.push('  No backup sets registered.');
    return out;
  }
  const table = [['SET', 'LAST STATUS', 'RUNS', 'SCANNED', 'ADDED', 'TOOK', 'LAST SUCCESS', 'NEXT RUN']];
  for (const r of h.rows) table.push([r.set, r.lastStatus ?? 'never ran', String(r.runs), bytes(r.bytesScanned), bytes(r.bytesNew), duration(r.durationMs), ago(r.sinceSuccessMs), r.nextRunAt === null ? '-' : at(r.nextRunAt)]);
  out.push(...columns(table).map((l) => `  ${l}`));
  return out;
}
