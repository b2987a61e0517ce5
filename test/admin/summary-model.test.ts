import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectAnomalies, median } from '../../src/domain/anomalies.js';
import { buildSummary, subjectLine, ATTENTION_CAP } from '../../src/domain/summary-build.js';
import type { FinalStatus } from '../../src/domain/activity.js';
import type { SummaryInput, SuccessSample } from '../../src/domain/summary.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Date.parse('2026-11-22T19:00:00Z');

/** A deterministic pseudo-random generator, so generated histories are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `n` daily successful runs ending before END, newest first, with ±10 % noise. */
function history(n: number, seed: number, shape: { files: number; bytes: number; ms: number }): SuccessSample[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_v, i) => {
    const endedAt = END - HOUR - i * DAY;
    const noise = () => 0.9 + r() * 0.2;
    const ms = Math.round(shape.ms * noise());
    return { activityId: 1000 - i, startedAt: endedAt - ms, endedAt, files: Math.round(shape.files * noise()), bytesScanned: Math.round(shape.bytes * noise()), bytesNew: 1000 };
  });
}

function input(over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    period: { kind: 'daily', key: 'daily:2026-11-22', start: END - DAY, end: END },
    host: 'fileserver',
    now: END,
    sets: [],
    stats: [],
    lastRuns: [],
    samples: {},
    problems: [],
    trend: { days: [], cells: [] },
    delivery: { sent: 0, queuedLocally: 0, failed: 0, expired: 0, stuck: 0, stuckInMta: 0 },
    escalations: { integrated: false },
    credentials: null,
    ...over,
  };
}

test('median of odd and even counts, and of nothing', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('a run with far fewer files and bytes than the median of its predecessors is flagged, with the numbers', () => {
  const runs = history(30, 7, { files: 10_000, bytes: 5e9, ms: 20 * 60_000 });
  runs[0] = { ...runs[0]!, files: 12, bytesScanned: 4096 }; // the mount vanished
  const found = detectAnomalies('documents', runs, END - DAY, END);
  assert.deepEqual(found.map((a) => a.metric).sort(), ['bytes', 'files']);
  const files = found.find((a) => a.metric === 'files')!;
  assert.equal(files.value, 12);
  assert.ok(files.usual > 9000 && files.usual < 11_000, `usual ${files.usual}`);
  assert.equal(files.activityId, runs[0]!.activityId);
});

test('a run that takes far longer is flagged; ordinary noise and short jitter are not', () => {
  const runs = history(30, 11, { files: 500, bytes: 2e8, ms: 10 * 60_000 });
  assert.deepEqual(detectAnomalies('db', runs, END - DAY, END), [], 'ten percent noise is not an anomaly');
  runs[0] = { ...runs[0]!, startedAt: runs[0]!.endedAt - 45 * 60_000 };
  assert.deepEqual(detectAnomalies('db', runs, END - DAY, END).map((a) => a.metric), ['duration']);
  // Seconds-long runs that triple are jitter, not news.
  const quick = history(30, 12, { files: 500, bytes: 2e8, ms: 2_000 });
  quick[0] = { ...quick[0]!, startedAt: quick[0]!.endedAt - 9_000 };
  assert.deepEqual(detectAnomalies('db', quick, END - DAY, END), []);
});

test('too short a history, tiny sets and runs outside the period are never judged', () => {
  const short = history(4, 3, { files: 10_000, bytes: 5e9, ms: 60_000 });
  short[0] = { ...short[0]!, files: 1 };
  assert.deepEqual(detectAnomalies('s', short, END - DAY, END), []);
  const tiny = history(30, 4, { files: 5, bytes: 1000, ms: 60_000 });
  tiny[0] = { ...tiny[0]!, files: 0, bytesScanned: 0 };
  assert.deepEqual(detectAnomalies('s', tiny, END - DAY, END), []);
  const old = history(30, 5, { files: 10_000, bytes: 5e9, ms: 60_000 });
  old[3] = { ...old[3]!, files: 1 }; // three days ago: yesterday's summary said so
  assert.deepEqual(detectAnomalies('s', old, END - DAY, END), []);
});

test('on generated histories, only the planted anomalies are found, counted per set and metric', () => {
  const r = rng(99);
  const samples: Record<string, SuccessSample[]> = {};
  const planted = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const set = `set-${i}`;
    // Hourly runs: 24 in the period, 40 before it.
    const runs = Array.from({ length: 64 }, (_v, k) => {
      const endedAt = END - 30 * 60_000 - k * HOUR;
      return { activityId: i * 100 + k, startedAt: endedAt - 60_000, endedAt, files: 1000 + Math.round(r() * 100), bytesScanned: 1e8 + Math.round(r() * 1e7), bytesNew: 10 };
    });
    if (i % 10 === 0) {
      runs[2] = { ...runs[2]!, files: 100 };
      runs[5] = { ...runs[5]!, files: 90 };
      planted.add(set);
    }
    samples[set] = runs;
  }
  const flagged = Object.entries(samples).flatMap(([set, runs]) => detectAnomalies(set, runs, END - DAY, END));
  assert.deepEqual(new Set(flagged.map((a) => a.set)), planted);
  for (const a of flagged) {
    assert.equal(a.metric, 'files');
    assert.equal(a.runs, 2);
    assert.equal(a.value, 100, 'the newest anomalous run is the one named');
  }
});

test('failures and missed runs come first, then partial runs, then warnings; capped with a count', () => {
  const ref = (set: string, status: FinalStatus, endedAt: number, id: number) => ({ set, status, count: 1, latest: { activityId: id, set, status, startedAt: endedAt - 1, endedAt, firstError: `${status} here` } });
  const s = buildSummary(
    input({
      problems: [ref('a', 'completed-with-warnings', END - 10, 1), ref('b', 'missed', END - 50, 2), ref('c', 'completed-with-errors', END - 5, 3), ref('d', 'failed', END - 20, 4), ref('e', 'incomplete', END - 1, 5)],
    }),
  );
  assert.deepEqual(s.attention.map((p) => p.set), ['d', 'b', 'e', 'c', 'a']);
  assert.equal(s.healthy, false);
  const many = buildSummary(input({ problems: Array.from({ length: ATTENTION_CAP + 7 }, (_v, i) => ref(`s${i}`, 'failed', END - i, i)) }));
  assert.equal(many.attention.length, ATTENTION_CAP);
  assert.equal(many.attentionMore, 7);
});

test('the subject counts runs by status; the per-set table includes sets with no runs and time since success', () => {
  const s = buildSummary(
    input({
      sets: [
        { name: 'documents', engine: 'builtin', schedule: '0 2 * * *', nextRunAt: END + 7 * HOUR },
        { name: 'database', engine: 'command', schedule: '*/30 * * * *', nextRunAt: END + 30 * 60_000 },
        { name: 'idle', engine: 'restic', schedule: null, nextRunAt: null },
      ],
      stats: [
        { set: 'database', runs: 12, byStatus: { completed: 11, failed: 1 }, files: 12, bytesScanned: 1200, bytesNew: 120, durationMs: 60_000 },
        { set: 'documents', runs: 1, byStatus: { missed: 1 }, files: 0, bytesScanned: 0, bytesNew: 0, durationMs: 0 },
      ],
      samples: { database: history(3, 1, { files: 1, bytes: 100, ms: 5_000 }) },
    }),
  );
  assert.equal(s.subject, 'Vigil daily — fileserver: 11 completed, 1 failed, 1 missed');
  assert.deepEqual(s.rows.map((r) => r.set), ['database', 'documents', 'idle']);
  assert.equal(s.rows[0]!.sinceSuccessMs, HOUR);
  assert.equal(s.rows[2]!.sinceSuccessMs, null);
  assert.deepEqual(s.nextRuns.map((n) => n.set), ['database', 'documents']);
  assert.equal(s.growth, null, 'growth is weekly only');
});

test('an empty log gives a healthy summary that still says so; a hostile host cannot break the subject', () => {
  const s = buildSummary(input());
  assert.equal(s.healthy, true);
  assert.equal(s.subject, 'Vigil daily — fileserver: 0 completed');
  assert.equal(subjectLine('weekly', 'evil\r\nBcc: x@y', s.counts), 'Vigil weekly — evil Bcc: x@y: 0 completed');
});

test('weekly growth sums bytes added per set, largest first; delivery problems make it unhealthy', () => {
  const s = buildSummary(
    input({
      period: { kind: 'weekly', key: 'weekly:2026-11-20', start: END - 7 * DAY, end: END },
      stats: [
        { set: 'a', runs: 7, byStatus: { completed: 7 }, files: 1, bytesScanned: 1, bytesNew: 100, durationMs: 1 },
        { set: 'b', runs: 7, byStatus: { completed: 7 }, files: 1, bytesScanned: 1, bytesNew: 900, durationMs: 1 },
      ],
      delivery: { sent: 3, queuedLocally: 0, failed: 1, expired: 0, stuck: 0, stuckInMta: 0 },
    }),
  );
  assert.deepEqual(s.growth, { total: 1000, perSet: [{ set: 'b', bytesNew: 900 }, { set: 'a', bytesNew: 100 }] });
  assert.equal(s.healthy, false);
});

test('credentials that expire soon are listed and make the summary need attention; without a source it says so', async () => {
  const { renderSummaryText } = await import('../../src/admin/render-text.js');
  const soon = buildSummary(input({ credentials: [{ text: 'the client secret of app 1234 of profile office expires on 2026-11-30 (in 8 day(s))' }] }));
  assert.equal(soon.healthy, false);
  assert.match(renderSummaryText(soon, 'UTC'), /CREDENTIAL the client secret of app 1234 of profile office expires on 2026-11-30/);
  assert.match(renderSummaryText(buildSummary(input({ credentials: [] })), 'UTC'), /credentials: none expires soon/);
  assert.match(renderSummaryText(buildSummary(input()), 'UTC'), /credential expiry: not checked by this version/);
});
