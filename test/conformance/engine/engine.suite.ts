import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { backupSet } from '../../../src/config/schema/sets.js';
import type { EngineProgress, EngineRunResult } from '../../../src/backup/engine.js';
import { ACTIVITY_STATUSES } from '../../../src/domain/activity.js';
import { until } from '../transport/harness.js';
import type { EngineRig, OpenEngineRig } from './harness.js';

const CASE_LIMIT_MS = 60_000;

/** Known gaps: an adapter's case that fails today, reported as TODO (not failing CI) until fixed. */
export type EngineGaps = Partial<Record<'vault-not-found', string>>;

/**
 * The contract of `BackupEngine` (src/backup/engine.ts), run against every engine with the real
 * programs (restic, the shell). Optional operations are tested where the engine declares them.
 * As restic's backend suite does, the cases share one repository per engine and run in order
 * (each engine run costs seconds): the destructive case comes last.
 */
export function engineConformance(name: string, open: OpenEngineRig, gaps: EngineGaps = {}): void {
  let opened: Promise<{ rig: EngineRig; source: string }> | undefined;
  const setUp = () =>
    (opened ??= open().then((rig) => {
      const source = path.join(rig.workDir, 'source');
      mkdirSync(source, { recursive: true });
      for (let i = 0; i < 40; i++) writeFileSync(path.join(source, `file-${i}.txt`), `content ${i}\n`.repeat(50 * (i + 1)));
      return { rig, source };
    }));
  after(async () => {
    if (opened) await (await opened).rig.close();
  });

  const withRig = (title: string, body: (rig: EngineRig, h: Helpers) => Promise<void>, options: { todo?: string } = {}) => {
    test(`${name}: engine: ${title}`, { timeout: CASE_LIMIT_MS, ...(options.todo ? { todo: options.todo } : {}) }, async (t) => {
      const { rig, source } = await setUp();
      const context = (raw: Record<string, unknown>) => ({ name: 'conformance', config: backupSet.parse(raw) as unknown as Record<string, unknown>, dataDir: rig.workDir });
      const run: Helpers['run'] = async (raw, runOptions = {}) => {
        const result = await rig.engine.run({ ...context(raw), signal: runOptions.signal ?? new AbortController().signal, onProgress: runOptions.onProgress ?? (() => undefined), ...(runOptions.hasHistory ? { hasHistory: true } : {}) });
        assertWellFormed(result, rig.secrets ?? []);
        return result;
      };
      await body(rig, { source, run, context, skip: (why) => t.skip(why) });
    });
  };

  withRig('a backup of a readable source completes, and so does the next one', async (rig, { source, run }) => {
    const first = await run(rig.set(source));
    assert.equal(first.status, 'completed', JSON.stringify(first.log));
    assert.equal(first.counters.errors, 0);
    writeFileSync(path.join(source, 'file-0.txt'), 'changed\n');
    const second = await run(rig.set(source), { hasHistory: true });
    assert.equal(second.status, 'completed', JSON.stringify(second.log));
  });

  withRig('check, where declared, finds nothing wrong with a working set', async (rig, { source, context, skip }) => {
    const { check } = rig.engine;
    if (!check) return skip(`${name} declares no check`);
    assert.deepEqual(await check.call(rig.engine, context(rig.set(source))), []);
  });

  withRig('prune, where declared, applies keep (a dry run first) and is safe to repeat', async (rig, { source, run, context, skip }) => {
    const { prune } = rig.engine;
    if (!prune) return skip(`${name} declares no prune`);
    const set = { ...rig.set(source), keep: { last: 1 } };
    const signal = new AbortController().signal;
    const pruned = async (dryRun: boolean) => {
      const result = await prune.call(rig.engine, { ...context(set), signal, ...(dryRun ? { dryRun } : {}) });
      for (const secret of rig.secrets ?? []) assert.ok(!JSON.stringify(result).includes(secret), 'a secret is in the prune’s log');
      return result;
    };
    const dry = await pruned(true);
    assert.equal(dry.status, 'completed', JSON.stringify(dry.log));
    const first = await pruned(false);
    assert.equal(first.status, 'completed', JSON.stringify(first.log));
    const again = await pruned(false);
    assert.equal(again.status, 'completed', JSON.stringify(again.log));
    assert.equal((await run(set, { hasHistory: true })).status, 'completed', 'the repository is usable after pruning');
  });

  withRig('a source that does not exist resolves (never rejects) with a status short of completed, and says why', async (rig, { run }) => {
    const result = await run(rig.set(path.join(rig.workDir, 'not-there')), { hasHistory: true });
    assert.notEqual(result.status, 'completed');
    assert.ok(result.log.some((e) => e.severity !== 'info'), `a warning or error explains it: ${JSON.stringify(result.log)}`);
  });

  withRig('a signal already aborted: the run is incomplete', async (rig, { source, run }) => {
    const stop = new AbortController();
    stop.abort();
    const result = await run(rig.set(source), { signal: stop.signal, hasHistory: true });
    assert.equal(result.status, 'incomplete', JSON.stringify(result.log));
  });

  withRig('stopping a busy run: incomplete, and the repository stays usable after both stops', async (rig, { source, run }) => {
    const busy = rig.busy(source);
    const stop = new AbortController();
    const started = busy.started;
    const onProgress = (_p: EngineProgress) => void (started === 'progress' && stop.abort());
    const running = run(busy.set, { signal: stop.signal, onProgress, hasHistory: true });
    if (started !== 'progress') {
      await until(async () => existsSync(started.file), 'the run started');
      stop.abort();
    }
    const result = await running;
    assert.equal(result.status, 'incomplete', JSON.stringify(result.log));
    assert.equal((await run(rig.set(source), { hasHistory: true })).status, 'completed', 'the repository was left consistent');
  });

  withRig(
    'a set with history whose repository is gone fails as vault-not-found, and is not recreated',
    async (rig, { source, run, skip }) => {
      const { repository } = rig;
      if (!repository) return skip(`${name} keeps no repository`);
      rmSync(repository, { recursive: true, force: true });
      const result = await run(rig.set(source), { hasHistory: true });
      assert.equal(result.status, 'failed', JSON.stringify(result.log));
      assert.equal(existsSync(repository), false, 'an unmounted disk is not a first run');
      assert.equal(result.stoppedBy?.code, 'ERR_VAULT_NOT_FOUND', `the vault-unreachable fault needs the code: ${JSON.stringify(result.log)}`);
    },
    gaps['vault-not-found'] ? { todo: gaps['vault-not-found'] } : {},
  );
}

interface Helpers {
  source: string;
  run(raw: Record<string, unknown>, options?: { signal?: AbortSignal; hasHistory?: boolean; onProgress?: (p: EngineProgress) => void }): Promise<EngineRunResult>;
  context(raw: Record<string, unknown>): { name: string; config: Record<string, unknown>; dataDir: string };
  skip(why: string): void;
}

/** What every run result has, whatever happened. */
function assertWellFormed(result: EngineRunResult, secrets: readonly string[]): void {
  assert.ok((ACTIVITY_STATUSES as readonly string[]).includes(result.status) && (result.status as string) !== 'running', `a run status: ${result.status}`);
  for (const key of ['files', 'bytesScanned', 'bytesNew', 'errors', 'warnings'] as const) assert.ok(Number.isInteger(result.counters[key]) && result.counters[key] >= 0, `counters.${key}`);
  for (const entry of result.log) assert.ok(entry.message.length > 0, 'every log entry says something');
  if (result.status === 'completed') assert.equal(result.counters.errors, 0, 'a completed run has no errors');
  const shown = JSON.stringify(result);
  for (const secret of secrets) assert.ok(!shown.includes(secret), 'a secret is in the run’s result');
}
