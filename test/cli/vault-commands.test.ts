import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
after(() => ws.cleanup());

test('vigil run → snapshots → restore → verify → prune on a builtin set, each recorded as an activity', async () => {
  const source = path.join(ws.dir, 'documents');
  mkdirSync(source);
  writeFileSync(path.join(source, 'report.txt'), 'quarterly numbers\n');
  ws.write(`dataDir: ./var
profiles:
  local: { method: maildir, from: vigil@localhost, addressBook: { admins: [root@localhost] } }
notification: { admins: [admins] }
sets:
  documents: { engine: builtin, paths: [${source}], keep: { last: 1 }, prune: "0 4 * * sun" }
`);
  // With a prune: schedule, retention waits for it (or for \`vigil prune\`) instead of following each run.
  assert.equal((await ws.vigil(['run', 'documents'])).code, 0);
  writeFileSync(path.join(source, 'report.txt'), 'revised numbers\n');
  assert.equal((await ws.vigil(['run', 'documents'])).code, 0);

  const snapshots = JSON.parse((await ws.vigil(['snapshots', 'documents', '--json'])).stdout) as Array<{ id: string }>;
  assert.equal(snapshots.length, 2);

  const target = path.join(ws.dir, 'restored');
  const restored = await ws.vigil(['restore', 'documents', '--to', target, '--snapshot', snapshots[0]!.id]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.equal(readFileSync(path.join(target, source, 'report.txt'), 'utf8'), 'quarterly numbers\n');
  // Not a terminal: the shared progress display writes timestamped lines to stderr.
  assert.match(restored.stderr, /^\S+ .*\d+\/\d+ files/m, 'restore shows its progress');

  const verified = await ws.vigil(['verify', 'documents', '--read-data']);
  assert.equal(verified.code, 0, verified.stderr);
  const pruned = await ws.vigil(['prune', 'documents']);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stderr, /^\S+ .*\d+\/\d+ snapshots/m, 'prune shows its progress');
  assert.equal(JSON.parse((await ws.vigil(['snapshots', 'documents', '--json'])).stdout).length, 1);

  const kinds = (JSON.parse((await ws.vigil(['activity', '--json'])).stdout) as Array<{ kind: string }>).map((a) => a.kind).sort();
  assert.deepEqual(kinds, ['backup', 'backup', 'prune', 'restore', 'validation']);
  const onlyRestores = JSON.parse((await ws.vigil(['activity', '--json', '--kind', 'restore'])).stdout) as Array<{ kind: string }>;
  assert.deepEqual(onlyRestores.map((a) => a.kind), ['restore']);
  assert.match((await ws.vigil(['activity'])).stdout, /^ID\s+STARTED\s+KIND\s+SET[^\n]*\n.*\bprune\s+documents\b/s);
  assert.equal((await ws.vigil(['activity', '--kind', 'bogus'])).code, 2);

  const wrong = await ws.vigil(['restore', 'documents']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /needs --to DIR/);
});
