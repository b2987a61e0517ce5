import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Gauge, Registry } from 'prom-client';
import { openApp, type AppContext } from '../../src/app/context.js';
import { ConsoleMetrics } from '../../src/console/metrics.js';
import { SET_FAMILIES, setSeriesText, type SetSeries } from '../../src/console/set-series.js';
import { SetSeriesCache } from '../../src/console/set-series-cache.js';
import { Workspace } from '../helpers/workspace.js';

// The per-set families are written with a template, not prom-client (src/console/set-series.ts):
// prom-client itself is the oracle for the text, and the store for the values.

test('the per-set families are prom-client’s text, byte for byte, names that need escaping included', async () => {
  const sets: SetSeries[] = [
    { name: 'docs', running: false, lastRun: { status: 'completed', endedAt: 1_700_000_000_123 }, lastSuccess: { endedAt: 1_700_000_000_123, durationMs: 61_500, files: 12, bytesScanned: 2 ** 40, bytesNew: 0 } },
    { name: 'quote " back \\ slash', running: true, lastRun: { status: 'failed', endedAt: 1_700_000_100_000 }, lastSuccess: null },
    { name: 'line\nbreak', running: false, lastRun: null, lastSuccess: null },
  ];
  const host = 'h"o\\st';
  const registry = new Registry();
  const gauges = SET_FAMILIES.map((f) => new Gauge({ name: f.name, help: f.help, labelNames: f.name === 'vigil_set_last_run_status' ? ['set', 'host', 'status'] : ['set', 'host'], registers: [registry] }));
  for (const s of sets) {
    for (const [i, family] of SET_FAMILIES.entries()) {
      const value = family.value(s);
      if (value === undefined) continue;
      gauges[i]!.set(family.name === 'vigil_set_last_run_status' ? { set: s.name, host, status: s.lastRun!.status } : { set: s.name, host }, value);
    }
  }
  assert.equal(`${setSeriesText(sets, host)}\n`, await registry.metrics());
  // No set: the families are still declared (HELP and TYPE), as prom-client declares an empty gauge.
  for (const g of gauges) g.reset();
  assert.equal(`${setSeriesText([], host)}\n`, await registry.metrics());
});

test('/metrics parses as the Prometheus text format, and its per-set series are what the store holds', async () => {
  const ws = new Workspace(`dataDir: ./var
hostname: metrics-text.example.com
sets:
  good: { engine: command, command: [/bin/true] }
  bad: { engine: command, command: [/bin/false] }
  mixed: { engine: command, command: [/bin/true] }
  never: { engine: command, command: [/bin/true] }
  busy: { engine: command, command: [/bin/true] }
`);
  const app = openApp({ configFile: ws.configFile, logLevel: 'error', service: true });
  try {
    await app.runner.run('good', { trigger: 'manual' });
    await app.runner.run('bad', { trigger: 'manual' });
    await app.runner.run('mixed', { trigger: 'manual' });
    await app.runner.run('busy', { trigger: 'manual' });
    let ms = 10_000;
    const metrics = new ConsoleMetrics(() => (ms += 10_000));
    const chunks = await metrics.scrape(app);
    // Sent in small chunks (chunked-body.ts): none as large as glibc's first mmap threshold (128 KiB).
    assert.ok(chunks.every((c) => c.length < 128 * 1024), chunks.map((c) => c.length).join(' '));
    const first = Buffer.concat(chunks);
    assertSeriesMatchStore(parseExposition(first.toString('utf8')), await storeTruth(app));
    // ASCII set and host names: one byte a character, so the text is a one-byte string (no ’ in a HELP) that is cheap to encode.
    assert.equal(first.length, first.toString('utf8').length, 'one byte a character');
    // The store changes (a failure after a success; a run in progress): the next scrape says so.
    // Another process on the same store (`vigil run` beside the service), whose runs this app hears no event of.
    ws.write(readFileSync(ws.configFile, 'utf8').replace('mixed: { engine: command, command: [/bin/true] }', 'mixed: { engine: command, command: [/bin/false] }'));
    const changed = openApp({ configFile: ws.configFile, logLevel: 'error', service: true });
    try {
      await changed.runner.run('mixed', { trigger: 'manual' });
      await changed.store.activity.start({ kind: 'backup', set: 'busy', engine: 'command', trigger: 'manual', startedAt: changed.clock.now(), owner: { host: 'metrics-text.example.com', pid: process.pid } });
      await changed.events.drain();
      const truth = await storeTruth(app);
      assert.equal(truth.get('mixed')?.lastRun?.status, 'failed');
      assert.equal(truth.get('busy')?.running, true);
      assertSeriesMatchStore(parseExposition(Buffer.concat(await metrics.scrape(app)).toString('utf8')), truth);
    } finally {
      await changed.close();
    }
    // The service's own run (an event this app hears).
    await app.runner.run('never', { trigger: 'manual' });
    await app.events.drain();
    assertSeriesMatchStore(parseExposition(Buffer.concat(await metrics.scrape(app)).toString('utf8')), await storeTruth(app));
  } finally {
    await app.close();
    ws.cleanup();
  }
});

async function textOf(cache: SetSeriesCache, app: AppContext): Promise<string> {
  return Buffer.concat(await cache.body(app)).toString('utf8');
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the text format (version 0.0.4): every family declared by `# HELP` and
 * `# TYPE` before its samples, every sample line `name{label="value",…} number`, label values
 * escaped (\\, \", \n), no series twice. Throws on anything else.
 */
function parseExposition(text: string): Sample[] {
  assert.ok(text.endsWith('\n'), 'the text ends with a line break');
  const typed = new Map<string, string>();
  const seen = new Set<string>();
  const samples: Sample[] = [];
  for (const [i, line] of text.slice(0, -1).split('\n').entries()) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      if (comment[1] === 'TYPE') {
        assert.match(comment[3]!, /^(gauge|counter|histogram|summary|untyped)$/, `line ${i + 1}: a type`);
        assert.ok(!typed.has(comment[2]!), `line ${i + 1}: ${comment[2]} declared once`);
        typed.set(comment[2]!, comment[3]!);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (\S+)$/.exec(line);
    assert.ok(sample, `line ${i + 1} is a sample: ${JSON.stringify(line)}`);
    const [, name, labelText = '', valueText] = sample;
    assert.ok(typed.has(name!), `line ${i + 1}: ${name} has a # TYPE before its samples`);
    const labels: Record<string, string> = {};
    for (const m of labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g)) {
      labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_e, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    assert.ok(!Number.isNaN(value) || valueText === 'NaN' || valueText === 'Nan', `line ${i + 1}: a number`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    assert.ok(!seen.has(key), `line ${i + 1}: ${key} only once`);
    seen.add(key);
    samples.push({ name: name!, labels, value });
  }
  return samples;
}

/** What the store says about each configured set, read row by row (not through the console's queries). */
async function storeTruth(app: AppContext): Promise<Map<string, SetSeries>> {
  const truth = new Map<string, SetSeries>();
  for (const name of Object.keys(app.loaded.config.sets)) {
    const runs = await app.store.activity.list({ set: name, kind: 'backup', limit: 1_000 });
    const ended = runs.filter((r) => r.status !== 'running' && r.endedAt !== null).sort((a, b) => b.startedAt - a.startedAt);
    const success = ended.find((r) => r.status === 'completed' || r.status === 'completed-with-warnings');
    truth.set(name, {
      name,
      running: runs.some((r) => r.status === 'running'),
      lastRun: ended[0] ? { status: ended[0].status, endedAt: ended[0].endedAt! } : null,
      lastSuccess: success ? { endedAt: success.endedAt!, durationMs: success.endedAt! - success.startedAt, files: success.counters.files, bytesScanned: success.counters.bytesScanned, bytesNew: success.counters.bytesNew } : null,
    });
  }
  return truth;
}

function assertSeriesMatchStore(samples: Sample[], truth: Map<string, SetSeries>): void {
  const expected: string[] = [];
  for (const s of truth.values()) {
    for (const family of SET_FAMILIES) {
      const value = family.value(s);
      if (value === undefined) continue;
      const status = family.name === 'vigil_set_last_run_status' ? ` status=${s.lastRun!.status}` : '';
      expected.push(`${family.name} set=${s.name} host=metrics-text.example.com${status} ${value}`);
    }
  }
  const actual = samples.filter((s) => s.name.startsWith('vigil_set_')).map((s) => `${s.name} set=${s.labels.set} host=${s.labels.host}${s.labels.status ? ` status=${s.labels.status}` : ''} ${s.value}`);
  assert.deepEqual(actual.sort(), expected.sort());
  assert.ok(actual.length >= truth.size, 'a running series for every set');
}

test('the service’s own runs update the per-set series from its events, without reading every set again; a run by another process is read', async () => {
  const ws = new Workspace();
  const flag = path.join(ws.dir, 'flag');
  ws.write(`dataDir: ./var
hostname: metrics-text.example.com
sets:
  good: { engine: command, command: [/bin/true] }
  flaky: { engine: command, command: [/bin/sh, -c, 'test -e ${flag}'] }
  later: { engine: command, command: [/bin/true] }
`);
  writeFileSync(flag, '');
  const app = openApp({ configFile: ws.configFile, logLevel: 'error', service: true });
  const other = openApp({ configFile: ws.configFile, logLevel: 'error' });
  try {
    await app.runner.run('good', { trigger: 'manual' });
    await app.runner.run('flaky', { trigger: 'manual' });
    const cache = new SetSeriesCache();
    await textOf(cache, app);
    assert.equal(cache.fullReads, 1);
    // flaky fails now: first in the order ("needs a look first"), its last success the earlier run.
    rmSync(flag);
    assert.equal((await app.runner.run('flaky', { trigger: 'manual' })).status, 'failed');
    await app.runner.run('good', { trigger: 'manual' });
    await app.events.drain();
    const fromEvents = await textOf(cache, app);
    assert.equal(cache.fullReads, 1, 'the service’s own runs: from their events');
    assert.equal(fromEvents, await textOf(new SetSeriesCache(), app), 'the same text as every set read again');
    assert.equal(await textOf(cache, app), fromEvents);
    assert.equal(cache.fullReads, 1, 'nothing changed: nothing read');
    // Another process (no event here): its row shows in the store's watermark.
    await other.runner.run('later', { trigger: 'manual' });
    const afterOther = await textOf(cache, app);
    assert.equal(cache.fullReads, 2, 'a run this process heard nothing of: every set read again');
    assert.match(afterOther, /vigil_set_last_run_status\{set="later",host="metrics-text.example.com",status="completed"\} 1/);
    // Pruned rows change the watermark too.
    await app.store.housekeeping.pruneActivities(app.clock.now() + 60_000);
    assert.doesNotMatch(await textOf(cache, app), /set="good"[^\n]*status=/, 'every run pruned: no last run');
    assert.equal(cache.fullReads, 3);
  } finally {
    await other.close();
    await app.close();
    ws.cleanup();
  }
});
