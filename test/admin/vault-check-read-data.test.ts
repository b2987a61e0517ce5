import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Housekeeper } from '../../src/admin/housekeeping.js';
import { createEngines } from '../../src/backup/engines/index.js';
import { findOnPath } from '../../src/backup/find-program.js';
import { listSnapshots } from '../../src/backup/engines/builtin/index.js';
import { inSubset } from '../../src/domain/data-subset.js';
import type { VigilEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { Store } from '../../src/storage/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { flipByte, packFiles, randomData, runBackup, setContext, tempDir } from '../builtin/helpers.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { adminConfig } from './helpers.js';

const WEEK = 7 * 86_400_000;

/** A real vault of several packs: one backup run per file added (each run writes its own pack). */
async function vaultOfPacks(t: Parameters<typeof tempDir>[0], runs: number) {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  const context = setContext(dir, src, { vault: path.join(dir, 'vault') });
  for (let n = 0; n < runs; n++) {
    await fsp.writeFile(path.join(src, `file-${n}.bin`), randomData(64 * 1024));
    assert.equal((await runBackup(context)).status, 'completed');
  }
  const config = adminConfig({ readDataWeeks: 4 }, { dataDir: dir, sets: { docs: { engine: 'builtin', paths: [src], vault: path.join(dir, 'vault') } } });
  return { dir, src, context, config, vault: path.join(dir, 'vault') };
}

function housekeeperFor(config: ReturnType<typeof adminConfig>, store: Store, clock: FakeClock, events: VigilEvent[]): Housekeeper {
  return new Housekeeper({ engines: createEngines(), config, store, clock, log: silentLogger, owner: { host: 'h', pid: 1 }, isBusy: async () => false, events: { emit: (e) => events.push(e) } });
}

/** "data of slice 2/4 read: 3 of 9 packs" from a check's activity log. */
async function sliceRead(store: Store, activityId: number): Promise<{ slice: string; read: number }> {
  const log = await store.activity.log(activityId);
  const line = log.map((e) => e.message).find((m) => m.startsWith('data of slice '));
  assert.ok(line, JSON.stringify(log));
  const [, slice, read] = /^data of slice (\d+\/\d+) read: (\d+) of/.exec(line)!;
  return { slice: slice!, read: Number(read) };
}

test('the weekly vault check reads a rotating slice of the data: over 4 weeks every pack is read, and a restart carries on with the next slice', async (t) => {
  const { dir, config, vault } = await vaultOfPacks(t, 8);
  const packs = await packFiles(vault);
  const clock = new FakeClock();
  const events: VigilEvent[] = [];
  let store = openSqliteStore(dir);
  t.after(() => store.close());
  const seen: string[] = [];
  let read = 0;
  for (let week = 0; week < 5; week++) {
    if (week === 2) {
      // A restarted service: the rotation is in the database, not in memory.
      await store.close();
      store = openSqliteStore(dir);
    }
    const [check] = await housekeeperFor(config, store, clock, events).checkVaults(new AbortController().signal);
    assert.equal(check!.status, 'completed');
    const got = await sliceRead(store, check!.activityId!);
    seen.push(got.slice);
    if (week < 4) read += got.read;
    clock.advance(WEEK);
  }
  assert.deepEqual(seen, ['1/4', '2/4', '3/4', '4/4', '1/4']);
  assert.equal(read, packs.length, 'each pack read exactly once over the four weeks');
  assert.deepEqual(events, []);
});

test('a flipped byte in a pack: the weekly check whose slice covers it reports the damaged file and snapshots (fault and summary note)', async (t) => {
  const { dir, src, context, config, vault } = await vaultOfPacks(t, 6);
  const snapshots = await listSnapshots(context);
  // The first run's pack holds file-0's data, which every snapshot still uses.
  const packs = await packFiles(vault);
  let target = packs[0]!;
  for (const pack of packs) if ((await fsp.stat(pack)).mtimeMs < (await fsp.stat(target)).mtimeMs) target = pack;
  await flipByte(target, 1000);
  const covering = [1, 2, 3, 4].find((n) => inSubset(path.basename(target), { n, of: 4 }))!;

  const clock = new FakeClock();
  const events: VigilEvent[] = [];
  const store = openSqliteStore(dir);
  t.after(() => store.close());
  const statuses: string[] = [];
  for (let week = 1; week <= 4; week++) {
    const [check] = await housekeeperFor(config, store, clock, events).checkVaults(new AbortController().signal);
    statuses.push(check!.status);
    if (week === covering) {
      assert.equal(check!.status, 'completed-with-errors');
      const note = check!.note ?? '';
      assert.ok(note.includes(path.join(src, 'file-0.bin')), `names the damaged file: ${note}`);
      // Every snapshot uses file-0: all are named (a long list shows five and "and N more").
      const named = snapshots.filter((s) => note.includes(s.shortId)).length;
      assert.ok(note.includes(`${snapshots.length} snapshots cannot be fully restored`) && named >= Math.min(5, snapshots.length), `names the snapshots: ${note}`);
      assert.ok(note.includes(target), `names the damaged pack: ${note}`);
      assert.equal(events.length, 1);
      const fault = events[0]!;
      assert.ok(fault.kind === 'service.fault' && fault.fault === 'vault-check-failed');
      // The fault names the same snapshots as the note: five of them, in id order (ids are random,
      // so which five varies; a check of one particular snapshot failed one run in six).
      const inDetail = snapshots.filter((s) => fault.detail.includes(s.shortId)).map((s) => s.shortId);
      const inNote = snapshots.filter((s) => note.includes(s.shortId)).map((s) => s.shortId);
      assert.ok(fault.detail.includes(path.join(src, 'file-0.bin')), fault.detail);
      assert.deepEqual(inDetail, inNote, fault.detail);
      assert.equal(inDetail.length, Math.min(5, snapshots.length), fault.detail);
    }
    clock.advance(WEEK);
  }
  // Before the covering slice nothing read the pack; from then on the damage stays reported until healed.
  assert.deepEqual(statuses, [1, 2, 3, 4].map((n) => (n < covering ? 'completed' : 'completed-with-errors')));
});

const restic = findOnPath('restic', process.env);

test('restic sets: the weekly check runs restic check --read-data-subset=n/4 in rotation; the slice with a damaged pack names the pack, files and snapshot', { skip: restic ? false : 'restic is not installed' }, async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  const repo = path.join(dir, 'repo');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'precious.bin'), randomData(200_000));
  await fsp.writeFile(path.join(dir, 'pass'), 'correct horse\n');
  const env = { ...process.env, RESTIC_PASSWORD: 'correct horse', RESTIC_REPOSITORY: repo };
  execFileSync(restic!, ['init'], { env, stdio: 'ignore' });
  execFileSync(restic!, ['backup', src], { env, stdio: 'ignore' });
  const [snapshot] = JSON.parse(execFileSync(restic!, ['snapshots', '--json'], { env }).toString()) as { short_id: string }[];
  // The data pack is the largest (the other holds the tree).
  let pack = '';
  for (const file of await packFiles(repo)) if (!pack || (await fsp.stat(file)).size > (await fsp.stat(pack)).size) pack = file;
  await fsp.chmod(pack, 0o600);
  await flipByte(pack, 1000);

  const config = adminConfig({ readDataWeeks: 4 }, { dataDir: dir, sets: { offsite: { engine: 'restic', repository: repo, password: { file: path.join(dir, 'pass') }, paths: [src] } } });
  const store = openSqliteStore(dir);
  t.after(() => store.close());
  const clock = new FakeClock();
  const events: VigilEvent[] = [];
  const results: string[] = [];
  for (let week = 1; week <= 4; week++) {
    const [check] = await housekeeperFor(config, store, clock, events).checkVaults(new AbortController().signal);
    const log = (await store.activity.log(check!.activityId!)).map((e) => e.message).join('\n');
    assert.match(log, new RegExp(`read group #${week} of`), 'the slice of this week');
    results.push(check!.status);
    if (check!.status !== 'completed') {
      const note = check!.note ?? '';
      assert.ok(note.includes(path.basename(pack)) && note.includes(path.join(src, 'precious.bin')) && note.includes(snapshot!.short_id), note);
      const fault = events.at(-1);
      assert.ok(fault?.kind === 'service.fault' && fault.detail.includes(path.join(src, 'precious.bin')), JSON.stringify(fault));
    }
    clock.advance(WEEK);
  }
  assert.deepEqual(results.filter((s) => s !== 'completed'), ['completed-with-errors'], 'exactly one slice holds the damaged pack');
});
