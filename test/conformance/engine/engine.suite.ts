import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { backupSet, type BackupSetConfig } from '../../../src/config/schema/sets.js';
import type { BackupEngine, EngineLogEntry, EngineProgress, EngineRunResult } from '../../../src/backup/engine.js';
import { ACTIVITY_STATUSES } from '../../../src/domain/activity.js';
import { waitFor } from '../../helpers/wait-for.js';
import type { EngineRig, OpenEngineRig } from './harness.js';

const CASE_LIMIT_MS = 60_000;

/**
 * The optional operations an engine may declare (issue #14 item 1), seen structurally so the
 * suite tests each one where an engine has it — before and after that interface lands on main.
 */
interface SetContext {
  name: string;
  config: BackupSetConfig;
  dataDir: string;
}
interface Outcome {
  status: string;
  log: EngineLogEntry[];
}
interface Capabilities {
  check?(set: SetContext): Promise<string[]>;
  problems?(set: SetContext, env: NodeJS.ProcessEnv): Array<{ key: Array<string | number>; message: string }>;
  snapshots?(request: SetContext & { signal: AbortSignal }): Promise<Array<{ id: string; time: string; paths: string[] }>>;
  restore?(request: SetContext & { signal: AbortSignal; to: string; snapshot?: string }): Promise<Outcome & { snapshotId: string }>;
  verify?(request: SetContext & { signal: AbortSignal; readData?: boolean }): Promise<Outcome>;
  prune?(request: SetContext & { signal: AbortSignal; dryRun?: boolean }): Promise<Outcome>;
}
const capabilities = (engine: BackupEngine): Capabilities => engine as unknown as Capabilities;

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
  /** What the first case's runs left: later cases find their snapshots. */
  const history: { snapshotIds: string[] } = { snapshotIds: [] };
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
      const context = (raw: Record<string, unknown>): SetContext => ({ name: 'conformance', config: backupSet.parse(raw), dataDir: rig.workDir });
      const run: Helpers['run'] = async (raw, runOptions = {}) => {
        const result = await rig.engine.run({ ...context(raw), signal: runOptions.signal ?? new AbortController().signal, onProgress: runOptions.onProgress ?? (() => undefined), ...(runOptions.hasHistory ? { hasHistory: true } : {}) });
        assertWellFormed(result, rig.secrets ?? []);
        return result;
      };
      await body(rig, { source, run, context, can: capabilities(rig.engine), skip: (why) => t.skip(why) });
    });
  };

  withRig('a backup of a readable source completes, and so does the next one', async (rig, { source, run }) => {
    const first = await run(rig.set(source));
    assert.equal(first.status, 'completed', JSON.stringify(first.log));
    assert.equal(first.counters.errors, 0);
    writeFileSync(path.join(source, 'file-0.txt'), 'changed\n');
    const second = await run(rig.set(source), { hasHistory: true });
    assert.equal(second.status, 'completed', JSON.stringify(second.log));
    history.snapshotIds = [first.snapshotId, second.snapshotId].filter((id): id is string => id !== undefined);
  });

  withRig('snapshots, where declared, lists the runs’ snapshots oldest first', async (rig, { source, context, can, skip }) => {
    if (!can.snapshots) return skip(`${name} declares no snapshots`);
    const listed = await can.snapshots({ ...context(rig.set(source)), signal: new AbortController().signal });
    assert.equal(listed.length, 2, JSON.stringify(listed));
    assert.ok(listed[0]!.time <= listed[1]!.time, 'oldest first');
    if (history.snapshotIds.length === 2) assert.ok(history.snapshotIds[1]!.startsWith(listed[1]!.id) || listed[1]!.id.startsWith(history.snapshotIds[1]!), 'the newest is the last run’s');
  });

  withRig('restore, where declared, puts the latest snapshot’s files under the target, and again', async (rig, { source, context, can, skip }) => {
    if (!can.restore) return skip(`${name} declares no restore`);
    const to = path.join(rig.workDir, 'restored');
    for (let time = 0; time < 2; time++) {
      const result: Outcome = await can.restore({ ...context(rig.set(source)), signal: new AbortController().signal, to });
      assert.equal(result.status, 'completed', JSON.stringify(result.log));
      const restored = path.join(to, source);
      assert.equal(readFileSync(path.join(restored, 'file-0.txt'), 'utf8'), 'changed\n', 'the latest snapshot, as the last run saw it');
      assert.equal(readFileSync(path.join(restored, 'file-7.txt'), 'utf8'), readFileSync(path.join(source, 'file-7.txt'), 'utf8'));
    }
  });

  withRig('verify, where declared, finds a sound repository sound, its data read back too', async (rig, { source, context, can, skip }) => {
    if (!can.verify) return skip(`${name} declares no verify`);
    for (const readData of [false, true]) {
      const result: Outcome = await can.verify({ ...context(rig.set(source)), signal: new AbortController().signal, ...(readData ? { readData } : {}) });
      assert.equal(result.status, 'completed', JSON.stringify(result.log));
    }
  });

  withRig('check or problems, where declared, find nothing wrong with a working set', async (rig, { source, context, can, skip }) => {
    if (!can.check && !can.problems) return skip(`${name} declares neither check nor problems`);
    if (can.check) assert.deepEqual(await can.check(context(rig.set(source))), []);
    if (can.problems) assert.deepEqual(can.problems(context(rig.set(source)), process.env), []);
  });

  withRig('prune, where declared, applies keep (a dry run changes nothing) and is safe to repeat', async (rig, { source, run, context, can, skip }) => {
    if (!can.prune) return skip(`${name} declares no prune`);
    const set = { ...rig.set(source), keep: { last: 1 } };
    const signal = new AbortController().signal;
    const count = async () => (can.snapshots ? (await can.snapshots({ ...context(set), signal })).length : undefined);
    const pruned = async (dryRun: boolean) => {
      const result = await can.prune!({ ...context(set), signal, ...(dryRun ? { dryRun } : {}) });
      for (const secret of rig.secrets ?? []) assert.ok(!JSON.stringify(result).includes(secret), 'a secret is in the prune’s log');
      assert.equal(result.status, 'completed', JSON.stringify(result.log));
      return result;
    };
    const before = await count();
    await pruned(true);
    assert.equal(await count(), before, 'a dry run changes nothing');
    await pruned(false);
    if (before !== undefined) assert.equal(await count(), 1, 'keep: last 1');
    await pruned(false);
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
      await waitFor(async () => existsSync(started.file), { what: 'the run started' });
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
  context(raw: Record<string, unknown>): SetContext;
  /** The engine's optional operations, each undefined where it has none. */
  can: Capabilities;
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
