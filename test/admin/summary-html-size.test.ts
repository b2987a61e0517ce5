import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trendDays } from '../../src/admin/period.js';
import { CELL } from '../../src/admin/html-parts.js';
import { renderSummaryHtml } from '../../src/admin/render-html.js';
import { renderSummaryText } from '../../src/admin/render-text.js';
import type { FinalStatus } from '../../src/domain/activity.js';
import { buildSummary } from '../../src/domain/summary-build.js';
import type { ProblemGroup, SummaryInput, TrendCell } from '../../src/domain/summary.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Date.parse('2026-11-22T20:00:00Z');
/** Gmail clips a message whose HTML is over ~102 kB; stay well under it. */
const LIMIT = 100_000;

/** `n` sets, each with 11 completed runs a day for 14 days; `bad` of them failed or missed in the period. */
function installation(n: number, bad: Map<number, FinalStatus>): SummaryInput {
  const names = Array.from({ length: n }, (_v, i) => `set-${String(i).padStart(4, '0')}`);
  const days = trendDays(END, 'UTC');
  const cells: TrendCell[] = names.flatMap((set, i) => days.map((_d, day) => ({ set, day, ok: 11, partial: 0, bad: day === days.length - 1 && bad.has(i) ? 1 : 0, bytesNew: 1_000_000 + i })));
  const problems: ProblemGroup[] = [...bad].map(([i, status]) => ({
    set: names[i]!,
    status,
    count: 1,
    latest: { activityId: 50_000 + i, set: names[i]!, status, startedAt: END - 2 * HOUR, endedAt: END - HOUR, firstError: `disk ${i} gone <b>` },
  }));
  return {
    period: { kind: 'daily', key: 'daily:2026-11-22', start: END - DAY, end: END },
    host: 'fileserver',
    now: END,
    sets: names.map((name) => ({ name, engine: 'command', schedule: '0 * * * *', nextRunAt: END + HOUR })),
    stats: names.map((set, i) => ({ set, runs: 11, byStatus: bad.has(i) ? { completed: 10, [bad.get(i)!]: 1 } : { completed: 11 }, files: 1000, bytesScanned: 5e7, bytesNew: 1e6, durationMs: 60_000 })),
    lastRuns: names.map((set, i) => ({ activityId: 10_000 + i, set, status: bad.get(i) ?? 'completed', startedAt: END - 2 * HOUR, endedAt: END - HOUR, firstError: null })),
    samples: {},
    problems,
    trend: { days, cells },
    delivery: { sent: 0, queuedLocally: 0, failed: 0, expired: 0, stuck: 0, stuckInMta: 0 },
    escalations: { integrated: false },
    credentials: null,
    missing: [{ part: 'delivery health', error: 'database table is locked' }],
  };
}

test('1,000 sets: the HTML stays under 100 kB, every problem set is in it in full, the text part lists all 1,000', () => {
  const bad = new Map<number, FinalStatus>([[3, 'failed'], [250, 'missed'], [512, 'completed-with-warnings'], [999, 'failed']]);
  const summary = buildSummary(installation(1000, bad));
  const html = renderSummaryHtml(summary, 'UTC');
  const text = renderSummaryText(summary, 'UTC');

  assert.ok(Buffer.byteLength(html) < LIMIT, `HTML is ${Buffer.byteLength(html)} bytes`);
  assert.ok(html.trimEnd().endsWith('</html>'));
  for (const i of bad.keys()) {
    const name = `set-${String(i).padStart(4, '0')}`;
    // Its Needs attention entry, with the error (escaped) and the pointer …
    assert.ok(html.includes(`${name} (1 run ended 2026-11-22 19:00): disk ${i} gone &#60;b&#62;`), `attention entry of ${name}`);
    assert.ok(html.includes(`vigil activity show ${50_000 + i}`));
    // … and its full table row with 14 trend bars.
    const rowAt = html.indexOf(`<tr><td style="${CELL}">${name}</td>`);
    assert.ok(rowAt > 0, `full row of ${name}`);
    const rowHtml = html.slice(rowAt, html.indexOf('</table></td></tr>', rowAt));
    assert.equal((rowHtml.match(/<div style="width:6px;height:/g) ?? []).length, 14);
  }
  assert.match(html, /NOT READ.*delivery health could not be read/);
  assert.equal((html.match(/<div style="width:6px;height:/g) ?? []).length, 14 * bad.size, 'only the problem sets have trend bars');
  assert.match(html, /996 healthy sets condensed; the text part lists every set/);
  assert.ok(html.includes('set-0000 (11), set-0001 (11), set-0002 (11), set-0004 (11)'), 'healthy sets are named with their runs');

  for (let i = 0; i < 1000; i++) {
    const name = `set-${String(i).padStart(4, '0')}`;
    assert.ok(text.includes(`\n  ${name}  `), `text row of ${name}`);
    assert.match(text, new RegExp(`\\n  ${name}  [▁▂▃▄▅▆▇█!x·]{14}\\n`), `text trend of ${name}`);
  }
});

test('1,000 healthy sets: well under the limit; 50 sets are still shown in full', () => {
  const html = renderSummaryHtml(buildSummary({ ...installation(1000, new Map()), missing: [] }), 'UTC');
  assert.ok(Buffer.byteLength(html) < 40_000, `HTML is ${Buffer.byteLength(html)} bytes`);
  assert.match(html, /1000 healthy sets condensed/);
  const fifty = renderSummaryHtml(buildSummary({ ...installation(50, new Map()), missing: [] }), 'UTC');
  assert.equal((fifty.match(/<div style="width:6px;height:/g) ?? []).length, 14 * 50);
  assert.doesNotMatch(fifty, /condensed/);
});

test('many sets needing a look: the worst 10 in full, the rest named with their status, still under the limit', () => {
  const bad = new Map<number, FinalStatus>(Array.from({ length: 400 }, (_v, k) => [k * 2, k % 3 === 0 ? 'missed' : 'failed'] as [number, FinalStatus]));
  const html = renderSummaryHtml(buildSummary(installation(1000, bad)), 'UTC');
  assert.ok(Buffer.byteLength(html) < LIMIT, `HTML is ${Buffer.byteLength(html)} bytes`);
  assert.equal((html.match(/<div style="width:6px;height:/g) ?? []).length, 14 * 10);
  assert.match(html, /390 more sets that need a look, by last status:/);
  assert.match(html, /<span style="color:#c62828">failed<\/span> \(\d+\): [^<]*set-0796/);
  assert.match(html, /<span style="color:#c62828">missed<\/span> \(\d+\): /);
});
