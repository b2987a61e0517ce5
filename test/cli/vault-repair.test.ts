import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { flipByte, packFiles, randomData } from '../builtin/helpers.js';
import { Workspace } from '../helpers/workspace.js';

const ws = new Workspace();
after(() => ws.cleanup());

test('vigil verify --read-data, run, repair on a damaged vault: exit codes 3/0/3/2, the damage named, the new snapshot intact', async () => {
  const source = path.join(ws.dir, 'documents');
  mkdirSync(source);
  const kept = path.join(source, 'kept.bin');
  const gone = path.join(source, 'gone.bin');
  writeFileSync(kept, randomData(300 * 1024));
  writeFileSync(gone, randomData(300 * 1024));
  ws.write(`dataDir: ./var
profiles:
  local: { method: maildir, from: vigil@localhost, addressBook: { admins: [root@localhost] } }
notification: { admins: [admins] }
sets:
  documents: { engine: builtin, paths: [${source}] }
  dump: { engine: command, command: ["true"] }
`);
  assert.equal((await ws.vigil(['run', 'documents'])).code, 0);
  const [pack] = await packFiles(path.join(ws.dir, 'var', 'vault'));
  await flipByte(pack!, 1000);
  await flipByte(pack!, 300 * 1024 + 1000);
  writeFileSync(gone, randomData(300 * 1024));

  assert.equal((await ws.vigil(['verify', 'documents', '--read-data-subset', '5/4'])).code, 2);
  const slice = await ws.vigil(['verify', 'documents', '--read-data-subset', '1/1']);
  assert.equal(slice.code, 3, slice.stdout + slice.stderr);
  assert.match(slice.stdout, /data of slice 1\/1 read/);
  const found = await ws.vigil(['verify', 'documents', '--read-data']);
  assert.equal(found.code, 3, found.stdout + found.stderr);
  assert.match(found.stdout, /completed-with-errors/);
  assert.ok(found.stdout.includes(kept) && found.stdout.includes(gone), found.stdout);

  // The next backup stores kept.bin afresh (not deduplicated against the damaged copy).
  assert.equal((await ws.vigil(['run', 'documents'])).code, 0);
  const restored = await ws.vigil(['restore', 'documents', '--to', path.join(ws.dir, 'r')]);
  assert.equal(restored.code, 0, restored.stdout);

  const repaired = await ws.vigil(['repair', 'documents']);
  assert.equal(repaired.code, 3, repaired.stdout + repaired.stderr);
  assert.match(repaired.stdout, /cannot be healed: snapshot [0-9a-f]{12} \(documents, [^)]+\): 1 files, e\.g\. .*gone\.bin/);
  assert.doesNotMatch(repaired.stdout, /kept\.bin/, 'the backup healed kept.bin');
  const json = JSON.parse((await ws.vigil(['repair', 'documents', '--json'])).stdout) as { status: string; stats: { unhealable: Array<{ files: string[] }> } };
  assert.deepEqual(json.stats.unhealable.map((s) => s.files), [[gone]]);

  const kinds = (JSON.parse((await ws.vigil(['activity', '--json', '--kind', 'repair'])).stdout) as Array<{ kind: string }>).map((a) => a.kind);
  assert.deepEqual(kinds, ['repair', 'repair']);
  assert.equal((await ws.vigil(['repair', 'dump'])).code, 2);
  assert.equal((await ws.vigil(['repair'])).code, 2);
});
