import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findOnPath } from '../../src/backup/find-program.js';
import { Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
after(() => ws.cleanup());
const restic = findOnPath('restic', process.env);

test('a restic set through the same commands as a builtin one: snapshots, restore, verify --read-data, prune (real restic)', { skip: restic ? false : 'restic is not installed' }, async () => {
  const source = path.join(ws.dir, 'documents');
  mkdirSync(source);
  writeFileSync(path.join(source, 'report.txt'), 'quarterly numbers\n');
  const repo = path.join(ws.dir, 'restic-repo');
  const env = { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: 'correct horse' };
  execFileSync(restic!, ['init'], { env, stdio: 'ignore' });
  writeFileSync(path.join(ws.dir, 'restic.pass'), 'correct horse\n');
  ws.write(`dataDir: ./var
profiles:
  local: { method: maildir, from: vigil@localhost, addressBook: { admins: [root@localhost] } }
notification: { admins: [admins] }
sets:
  offsite: { engine: restic, repository: ${repo}, password: { file: ${path.join(ws.dir, 'restic.pass')} }, paths: [${source}], keep: { last: 1 }, prune: "0 4 * * sun" }
  dump: { engine: command, command: [/bin/true] }
`);
  // Another machine backs up into the same repository: this set's prune must leave its snapshots alone.
  execFileSync(restic!, ['backup', '--host', 'another-machine', source], { env, stdio: 'ignore' });
  execFileSync(restic!, ['backup', '--host', 'another-machine', source], { env, stdio: 'ignore' });

  assert.equal((await ws.vigil(['run', 'offsite'])).code, 0);
  writeFileSync(path.join(source, 'report.txt'), 'revised numbers\n');
  assert.equal((await ws.vigil(['run', 'offsite'])).code, 0);

  const listed = await ws.vigil(['snapshots', 'offsite', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const snapshots = JSON.parse(listed.stdout) as Array<{ id: string; shortId: string; hostname: string; paths: string[] }>;
  assert.equal(snapshots.length, 2, 'only this host’s snapshots of the set’s paths');
  assert.deepEqual(snapshots[0]!.paths, [source]);
  assert.match((await ws.vigil(['snapshots', 'offsite'])).stdout, new RegExp(`^ID\\s+TIME.*\\n${snapshots[0]!.shortId}\\s`, 's'));

  const target = path.join(ws.dir, 'restored');
  const restored = await ws.vigil(['restore', 'offsite', '--to', target, '--snapshot', snapshots[0]!.id.slice(0, 8)]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.equal(readFileSync(path.join(target, source, 'report.txt'), 'utf8'), 'quarterly numbers\n');
  assert.match(restored.stdout, /restore of offsite into .*: completed \(activity \d+\)/);
  assert.match(restored.stderr, new RegExp(`snapshot ${snapshots[0]!.shortId}`), 'the progress display says what is being restored');

  const verified = await ws.vigil(['verify', 'offsite', '--read-data']);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /verify of offsite \(all data read\): completed/);
  assert.match(verified.stderr, /\d+\/\d+ (snapshots|packs)/, 'restic check’s counters reach the progress display');

  const pruned = await ws.vigil(['prune', 'offsite']);
  assert.equal(pruned.code, 0, pruned.stdout + pruned.stderr);
  assert.equal((JSON.parse((await ws.vigil(['snapshots', 'offsite', '--json'])).stdout) as unknown[]).length, 1);
  const all = JSON.parse(execFileSync(restic!, ['snapshots', '--json'], { env }).toString()) as Array<{ hostname: string }>;
  assert.equal(all.filter((s) => s.hostname === 'another-machine').length, 2, 'another machine’s snapshots are untouched');

  const activities = JSON.parse((await ws.vigil(['activity', '--json'])).stdout) as Array<{ kind: string; engine: string }>;
  assert.deepEqual(activities.filter((a) => a.kind !== 'backup').map((a) => `${a.kind}:${a.engine}`).sort(), ['prune:restic', 'restore:restic', 'validation:restic']);

  const repair = await ws.vigil(['repair', 'offsite']);
  assert.equal(repair.code, 2);
  assert.match(repair.stderr, /uses the restic engine, which cannot repair/);
  assert.match(repair.stderr, /rebuild-index/);
  const commandRestore = await ws.vigil(['restore', 'dump', '--to', target]);
  assert.equal(commandRestore.code, 2);
  assert.match(commandRestore.stderr, /uses the command engine, which cannot restore/);
});
