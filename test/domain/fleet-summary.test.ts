import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFleetSummaryHtml } from '../../src/admin/render-fleet-html.js';
import { renderFleetSummaryText } from '../../src/admin/render-fleet-text.js';
import { buildFleetSummary, FLEET_ATTENTION_CAP, type FleetSummaryInput } from '../../src/domain/fleet-summary.js';

const END = Date.parse('2026-11-22T20:00:00Z');
const HOUR = 3_600_000;
const period = { kind: 'daily' as const, key: 'daily:2026-11-22', start: END - 24 * HOUR, end: END };
const run = (id: number, set: string, status: 'failed' | 'missed' | 'completed', endedAt: number, firstError: string | null = null) => ({ activityId: id, set, status, startedAt: endedAt - 60_000, endedAt, firstError });

function input(over: Partial<FleetSummaryInput> = {}): FleetSummaryInput {
  return {
    period,
    reporter: 'fs01',
    now: END,
    hosts: [
      { name: 'fs01', state: { kind: 'ok' }, leader: true, sets: [{ name: 'documents', nextRunAt: END + 6 * HOUR }] },
      { name: 'web02', state: { kind: 'ok' }, leader: false, sets: [{ name: 'documents', nextRunAt: END + HOUR }, { name: 'www', nextRunAt: null }] },
      { name: 'db03', state: { kind: 'silent', since: END - 5 * HOUR }, leader: false, sets: [{ name: 'pg', nextRunAt: END + 2 * HOUR }] },
      { name: 'mx04', state: { kind: 'stopped', since: END - HOUR }, leader: false, sets: [] },
    ],
    stats: [
      { host: 'fs01', set: 'documents', runs: 11, byStatus: { completed: 10, failed: 1 }, files: 100, bytesScanned: 1000, bytesNew: 10, durationMs: 5000 },
      // The same set name on another host is another set: counted on its own host.
      { host: 'web02', set: 'documents', runs: 3, byStatus: { completed: 3 }, files: 3, bytesScanned: 30, bytesNew: 3, durationMs: 300 },
      { host: 'db03', set: 'pg', runs: 2, byStatus: { completed: 1, missed: 1 }, files: 1, bytesScanned: 1, bytesNew: 1, durationMs: 1 },
    ],
    problems: [
      { host: 'fs01', set: 'documents', status: 'failed', count: 1, latest: run(7, 'documents', 'failed', END - 2 * HOUR, 'disk full') },
      { host: 'db03', set: 'pg', status: 'missed', count: 1, latest: run(9, 'pg', 'missed', END - 3 * HOUR) },
    ],
    lastRuns: [
      { host: 'fs01', set: 'documents', last: run(8, 'documents', 'completed', END - HOUR), lastSuccessAt: END - HOUR },
      { host: 'web02', set: 'documents', last: run(5, 'documents', 'completed', END - 3 * HOUR), lastSuccessAt: END - 3 * HOUR },
      { host: 'web02', set: 'www', last: null, lastSuccessAt: null },
      { host: 'db03', set: 'pg', last: run(9, 'pg', 'missed', END - 3 * HOUR), lastSuccessAt: END - 20 * HOUR },
    ],
    delivery: { sent: 4, queuedLocally: 0, failed: 0, expired: 0, stuck: 0, stuckInMta: 0 },
    escalations: { integrated: true, items: [] },
    credentials: [],
    ...over,
  };
}

test('the subject counts every host’s runs and names the silent hosts', () => {
  const s = buildFleetSummary(input());
  assert.equal(s.counts.completed, 14);
  assert.equal(s.counts.failed, 1);
  assert.equal(s.counts.missed, 1);
  assert.equal(s.subject, 'Vigil daily — fleet of 4 hosts: 14 completed, 1 failed, 1 missed; 1 silent: db03');
  assert.equal(s.healthy, false);
});

test('a section per host: silent hosts first, then stopped ones, then the others by name; each with its own counts', () => {
  const s = buildFleetSummary(input());
  assert.deepEqual(s.hosts.map((h) => h.name), ['db03', 'mx04', 'fs01', 'web02']);
  assert.deepEqual(s.silent, ['db03']);
  const fs01 = s.hosts.find((h) => h.name === 'fs01')!;
  assert.equal(fs01.counts.completed, 10);
  assert.equal(fs01.counts.failed, 1);
  assert.equal(fs01.leader, true);
  assert.deepEqual(fs01.attention.map((a) => `${a.set} ${a.status}`), ['documents failed']);
  const web02 = s.hosts.find((h) => h.name === 'web02')!;
  assert.deepEqual(web02.rows.map((r) => [r.set, r.runs, r.lastStatus]), [['documents', 3, 'completed'], ['www', 0, null]]);
  assert.equal(web02.nextRunAt, END + HOUR);
  assert.equal(web02.healthy, true);
  // A silent host needs a look even with nothing failed.
  assert.equal(s.hosts[0]!.healthy, false);
});

test('several silent hosts: the longest silent first, three named in the subject and the rest counted', () => {
  const silent = (name: string, hours: number) => ({ name, state: { kind: 'silent' as const, since: END - hours * HOUR }, leader: false, sets: [] });
  const s = buildFleetSummary(input({ hosts: [silent('a', 1), silent('b', 9), silent('c', 3), silent('d', 2), silent('e', 4)], stats: [], problems: [], lastRuns: [] }));
  assert.deepEqual(s.silent, ['b', 'e', 'c', 'd', 'a']);
  assert.equal(s.subject, 'Vigil daily — fleet of 5 hosts: 0 completed; 5 silent: b, e, c and 2 more');
});

test('a fleet where all is well is healthy, and a host that ran but is no longer registered still gets its section', () => {
  const s = buildFleetSummary(
    input({
      hosts: [{ name: 'fs01', state: { kind: 'ok' }, leader: true, sets: [] }],
      stats: [{ host: 'gone', set: 'old', runs: 1, byStatus: { completed: 1 }, files: 0, bytesScanned: 0, bytesNew: 0, durationMs: 0 }],
      problems: [],
      lastRuns: [],
    }),
  );
  assert.equal(s.healthy, true);
  assert.deepEqual(s.hosts.map((h) => h.name), ['fs01', 'gone']);
  assert.equal(s.subject, 'Vigil daily — fleet of 2 hosts: 1 completed');
});

test('attention per host is capped and the rest counted', () => {
  const problems = Array.from({ length: FLEET_ATTENTION_CAP + 5 }, (_v, i) => ({ host: 'fs01', set: `s${i}`, status: 'failed' as const, count: 1, latest: run(i, `s${i}`, 'failed', END - i * 1000) }));
  const s = buildFleetSummary(input({ problems }));
  const fs01 = s.hosts.find((h) => h.name === 'fs01')!;
  assert.equal(fs01.attention.length, FLEET_ATTENTION_CAP);
  assert.equal(fs01.attentionMore, 5);
});

test('the text and HTML parts: the silent host’s section comes first, and every value in the HTML is escaped', () => {
  const hostile = input();
  hostile.hosts = [...hostile.hosts, { name: '<b>evil</b>', state: { kind: 'ok' }, leader: false, sets: [{ name: '<script>x</script>', nextRunAt: null }] }];
  const s = buildFleetSummary(hostile);
  const text = renderFleetSummaryText(s, 'UTC');
  assert.ok(text.indexOf('HOST db03: SILENT SINCE') < text.indexOf('HOST fs01: OK (leader)'), text);
  assert.match(text, /FAILED +documents \(1 run ended .*\): disk full/);
  assert.match(text, /vigil activity show 7 \(on fs01\)/);
  const html = renderFleetSummaryHtml(s, 'UTC');
  assert.ok(!html.includes('<b>evil</b>') && !html.includes('<script>x</script>'));
  assert.ok(html.includes('&#60;b&#62;evil'));
  assert.ok(html.indexOf('db03: silent since') < html.indexOf('fs01 (leader): ok'));
});

test('20 hosts of 100 sets: the HTML stays under the size at which Gmail clips a message', () => {
  const hosts = Array.from({ length: 20 }, (_v, h) => ({ name: `host${h}`, state: { kind: 'ok' as const }, leader: h === 0, sets: Array.from({ length: 100 }, (_w, i) => ({ name: `set-${i}`, nextRunAt: END + HOUR })) }));
  const lastRuns = hosts.flatMap((h) => h.sets.map((s, i) => ({ host: h.name, set: s.name, last: run(i, s.name, 'completed', END - HOUR), lastSuccessAt: END - HOUR })));
  const s = buildFleetSummary(input({ hosts, stats: [], problems: [], lastRuns }));
  assert.ok(renderFleetSummaryHtml(s, 'UTC').length < 100_000);
  assert.equal(renderFleetSummaryText(s, 'UTC').split('\n').filter((l) => / set-\d+ /.test(l)).length, 2000, 'the text part lists every set');
});

test('20 hosts × 100 sets, a quarter with a problem: the HTML part stays under the ~100 kB at which Gmail clips a message; the text part lists every set', () => {
  const many = fleetOf(20, 100);
  const s = buildFleetSummary(many);
  const html = renderFleetSummaryHtml(s, 'UTC');
  assert.ok(Buffer.byteLength(html) < 100_000, `HTML part of ${Buffer.byteLength(html)} bytes`);
  for (const h of many.hosts) assert.match(html, new RegExp(`… and \\d+ more \\(vigil activity --host ${h.name}\\)`), `${h.name}: what is left out is counted`);
  const text = renderFleetSummaryText(s, 'UTC');
  for (const h of many.hosts) for (const set of h.sets) assert.ok(text.includes(set.name), `${set.name} in the text part`);
});

/** A fleet of `hostCount` hosts of `setCount` sets each; every fourth set failed once in the day, every twentieth is failing now. */
function fleetOf(hostCount: number, setCount: number): FleetSummaryInput {
  const hosts: Array<FleetSummaryInput['hosts'][number]> = [];
  const stats: Array<FleetSummaryInput['stats'][number]> = [];
  const problems: Array<FleetSummaryInput['problems'][number]> = [];
  const lastRuns: Array<FleetSummaryInput['lastRuns'][number]> = [];
  let id = 1;
  for (let h = 0; h < hostCount; h++) {
    const host = `h${String(h + 1).padStart(2, '0')}`;
    const names = Array.from({ length: setCount }, (_v, i) => `${host}-set-${String(i).padStart(3, '0')}`);
    hosts.push({ name: host, state: { kind: 'ok' }, leader: h === 0, sets: names.map((name) => ({ name, nextRunAt: END + HOUR })) });
    names.forEach((set, i) => {
      const failedOnce = i % 4 === 0;
      stats.push({ host, set, runs: 6, byStatus: failedOnce ? { completed: 5, failed: 1 } : { completed: 6 }, files: 1000, bytesScanned: 1e9, bytesNew: 1e7, durationMs: 60_000 });
      if (failedOnce) problems.push({ host, set, status: 'failed', count: 1, latest: run(id++, set, 'failed', END - 2 * HOUR, 'read /srv/data/file-123.db: permission denied') });
      const last = run(id++, set, i % 20 === 0 ? 'failed' : 'completed', END - HOUR);
      lastRuns.push({ host, set, last, lastSuccessAt: END - HOUR });
    });
  }
  return input({ hosts, stats, problems, lastRuns, reporter: 'h01' });
}

test('the weekly fleet summary lists each host’s vault checks under that host, failed ones in the HTML, every one in the text', () => {
  const weekly = { kind: 'weekly' as const, key: 'weekly:2026-11-22', start: END - 7 * 24 * HOUR, end: END };
  const check = (host: string, set: string, status: 'completed' | 'failed', activityId: number, note: string | null = null) => ({ host, set, what: 'restic check', status, activityId, note });
  const s = buildFleetSummary(input({ period: weekly, checks: [check('fs01', 'documents', 'failed', 41, 'Pack <abc> damaged'), check('web02', 'documents', 'completed', 42), check('web02', 'www', 'completed', 43)] }));
  const fs01 = s.hosts.find((h) => h.name === 'fs01')!;
  const web02 = s.hosts.find((h) => h.name === 'web02')!;
  assert.deepEqual(fs01.checks.map((c) => [c.set, c.status]), [['documents', 'failed']]);
  assert.deepEqual(web02.checks.map((c) => [c.set, c.status]), [['documents', 'completed'], ['www', 'completed']]);
  assert.equal(fs01.healthy, false, 'a failed vault check needs a look');
  const text = renderFleetSummaryText(s, 'UTC');
  assert.match(text, /HOST fs01[\s\S]*restic check documents: failed \(vigil activity show 41\) — Pack <abc> damaged[\s\S]*HOST web02/);
  assert.match(text, /HOST web02[\s\S]*restic check www: completed \(vigil activity show 43\)/);
  const html = renderFleetSummaryHtml(s, 'UTC');
  assert.match(html, /restic check documents[\s\S]*vigil activity show 41 — Pack &#60;abc&#62; damaged/);
  assert.match(html, /2 vault checks completed/);
});

test('20 hosts × 100 sets, every set anomalous as well: anomalies share each host’s HTML rows (the rest counted), the HTML stays under ~100 kB, the text lists each one', () => {
  const many = fleetOf(20, 100);
  // Ten usual runs of 10,000 files and 10 GB, then one of 5 files and 1 kB in the period: files and bytes both flagged.
  const sample = (activityId: number, files: number, bytesScanned: number, endedAt: number) => ({ activityId, startedAt: endedAt - 60_000, endedAt, files, bytesScanned, bytesNew: 0 });
  const samples = new Map(
    many.hosts.map((h) => [h.name, Object.fromEntries(h.sets.map((s, i) => [s.name, [sample(100_000 + i, 5, 1024, END - HOUR), ...Array.from({ length: 10 }, (_v, d) => sample(d, 10_000, 1e10, END - (d + 2) * 24 * HOUR))]]))]),
  );
  const s = buildFleetSummary({ ...many, samples });
  assert.ok(s.hosts.every((h) => h.anomalies.length === 200 && !h.healthy));
  assert.match(s.subject, /, 2000 anomalies$/);
  const html = renderFleetSummaryHtml(s, 'UTC');
  assert.ok(Buffer.byteLength(html) < 100_000, `HTML part of ${Buffer.byteLength(html)} bytes`);
  // Each host's two rows go to its failures: its anomalies are counted.
  assert.equal(html.split('… and 200 more anomalies (each named in the text part)').length - 1, 20);
  const text = renderFleetSummaryText(s, 'UTC');
  assert.equal(text.split('\n').filter((l) => l.includes('ANOMALY')).length, 4000, 'the text part lists every anomaly');
});

test('a host’s anomalies are judged against its own runs only, in its own section', () => {
  const sample = (activityId: number, files: number, endedAt: number) => ({ activityId, startedAt: endedAt - 60_000, endedAt, files, bytesScanned: 0, bytesNew: 0 });
  const usual = Array.from({ length: 6 }, (_v, d) => sample(d, 5_000, END - (d + 2) * 24 * HOUR));
  const samples = new Map([
    ['web02', { www: [sample(77, 3, END - HOUR), ...usual] }],
    ['fs01', { documents: [sample(78, 5_000, END - HOUR), ...usual] }],
  ]);
  const s = buildFleetSummary(input({ samples }));
  assert.deepEqual(s.hosts.find((h) => h.name === 'web02')!.anomalies.map((a) => [a.set, a.metric, a.activityId]), [['www', 'files', 77]]);
  assert.deepEqual(s.hosts.find((h) => h.name === 'fs01')!.anomalies, []);
  assert.equal(s.subject, 'Vigil daily — fleet of 4 hosts: 14 completed, 1 failed, 1 missed, 1 anomaly; 1 silent: db03');
  assert.match(renderFleetSummaryText(s, 'UTC'), /HOST web02[^\n]*\n(?:  [^\n]*\n)*?  ANOMALY +www: backed up 3 files, usually 5000\n +vigil activity show 77 \(on web02\)/);
});
