import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BackupRunner } from '../../src/backup/runner.js';
import { Scheduler } from '../../src/backup/scheduler.js';
import { createEngines } from '../../src/backup/engines/index.js';
import { listSnapshots } from '../../src/backup/engines/builtin/index.js';
import { findOnPath } from '../../src/backup/find-program.js';
import { backupSet } from '../../src/config/schema/sets.js';
import { silentLogger } from '../../src/domain/logger.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { Workspace } from '../helpers/workspace.js';
import { checkConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';

function setup(t: { after: (fn: () => Promise<void>) => void }, raw: Record<string, unknown>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-retention-'));
  const source = path.join(dir, 'src');
  mkdirSync(source);
  const store = openSqliteStore(path.join(dir, 'var'));
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const config = backupSet.parse({ paths: [source], ...raw });
  const clock = new FakeClock(Date.parse('2026-11-20T03:00:00Z'));
  const runner = new BackupRunner({
    sets: { docs: config },
    dataDir: path.join(dir, 'var'),
    engines: createEngines(),
    activity: store.activity,
    events: { emit() {} },
    clock,
    log: silentLogger,
    owner: { host: 'test-host', pid: process.pid },
  });
  let n = 0;
  const backup = async () => {
    writeFileSync(path.join(source, 'a.txt'), `version ${++n}`);
    const activity = await runner.run('docs', { trigger: 'manual' });
    assert.equal(activity.status, 'completed', JSON.stringify(await store.activity.log(activity.id)));
  };
  const context = { name: 'docs', dataDir: path.join(dir, 'var'), config };
  /** The builtin set's snapshots (the builtin tests only). */
  const snapshots = () => {
    assert.ok(config.engine === 'builtin');
    return listSnapshots({ ...context, config });
  };
  return { dir, store, runner, clock, backup, snapshots, config };
}

test('a builtin set with keep: is pruned after each successful backup, recorded as a prune activity', async (t) => {
  const { store, backup, snapshots } = setup(t, { engine: 'builtin', keep: { last: 2 } });
  for (let i = 0; i < 4; i++) await backup();
  assert.equal((await snapshots()).length, 2, 'retention applied without anyone running vigil prune');
  const prunes = await store.activity.list({ kind: 'prune', set: 'docs' });
  assert.ok(prunes.length >= 2);
  assert.ok(prunes.every((a) => a.status === 'completed'));
});

test('with a prune: schedule, retention waits for it instead of following each backup', async (t) => {
  const { store, runner, clock, backup, snapshots, config } = setup(t, { engine: 'builtin', keep: { last: 1 }, prune: '0 4 * * *', timezone: 'UTC' });
  for (let i = 0; i < 3; i++) await backup();
  assert.equal((await snapshots()).length, 3);
  const scheduler = new Scheduler({ sets: { docs: config }, runner, state: store.schedules, clock, log: silentLogger });
  await scheduler.recover();
  clock.set(Date.parse('2026-11-20T04:00:05Z'));
  await scheduler.tick();
  await scheduler.idle();
  assert.equal((await snapshots()).length, 1);
  assert.equal((await store.activity.list({ kind: 'prune', set: 'docs' }))[0]?.trigger, 'schedule');
});

test('a restic set with keep: is forgotten and pruned after each backup', { skip: findOnPath('restic', process.env) ? false : 'restic is not installed' }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-retention-repo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = path.join(dir, 'repo');
  writeFileSync(path.join(dir, 'pass'), 'pw\n');
  execFileSync('restic', ['init', '--repo', repo], { env: { ...process.env, RESTIC_PASSWORD: 'pw' }, stdio: 'ignore' });
  const { backup } = setup(t, { engine: 'restic', repository: repo, password: { file: path.join(dir, 'pass') }, keep: { last: 1 } });
  for (let i = 0; i < 3; i++) await backup();
  const snapshots = JSON.parse(execFileSync('restic', ['snapshots', '--json', '--repo', repo], { env: { ...process.env, RESTIC_PASSWORD: 'pw' } }).toString()) as unknown[];
  assert.equal(snapshots.length, 1);
});

test('vigil prune --dry-run prints the plan: each snapshot kept (and by which rule) or removed; nothing changes', async () => {
  const ws = new Workspace();
  try {
    const src = path.join(ws.dir, 'src');
    mkdirSync(src);
    ws.write(`dataDir: ./var\nsets:\n  docs: { engine: builtin, paths: [${src}] }\n`);
    for (let i = 0; i < 3; i++) {
      writeFileSync(path.join(src, 'a.txt'), `v${i}`);
      assert.equal((await ws.vigil(['run', 'docs'])).code, 0);
    }
    ws.write(`dataDir: ./var\nsets:\n  docs: { engine: builtin, paths: [${src}], keep: { last: 1 } }\n`);
    const plan = await ws.vigil(['prune', 'docs', '--dry-run']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.equal(plan.stdout.match(/^ {2}keep +[0-9a-f]{12} .*\(last\)$/gm)?.length, 1, plan.stdout);
    assert.equal(plan.stdout.match(/^ {2}remove +[0-9a-f]{12} /gm)?.length, 2, plan.stdout);
    const list = await ws.vigil(['snapshots', 'docs']);
    assert.equal(list.stdout.trim().split('\n').length, 4, 'header and three snapshots: the dry run removed nothing');
  } finally {
    ws.cleanup();
  }
});

test('config check: a prune: schedule must parse; a restic prune: without keep: does nothing', () => {
  const yaml = `sets:
  docs:
    engine: builtin
    paths: [/srv]
    keep: { last: 3 }
    prune: "every sunday"
  offsite:
    engine: restic
    paths: [/srv]
    repository: sftp:backup@host:/repo
    password: { env: RESTIC_PASSWORD }
    prune: "0 4 * * sun"
`;
  const problems = checkConfigText(yaml, '/etc/vigil/vigil.yaml').problems.map(formatProblem).join('\n');
  assert.match(problems, /vigil\.yaml:6: sets\.docs\.prune: "every sunday" is not a cron expression/);
  assert.match(problems, /vigil\.yaml:12: warning: sets\.offsite\.prune: has no effect without keep:/);
});
