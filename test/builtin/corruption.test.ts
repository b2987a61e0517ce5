import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { restore, verify } from '../../src/backup/engines/builtin/index.js';
import { randomData, runBackup, setContext, tempDir } from './helpers.js';

async function packFiles(vault: string): Promise<string[]> {
  const out: string[] = [];
  for (const shard of await fsp.readdir(path.join(vault, 'data'))) {
    for (const name of await fsp.readdir(path.join(vault, 'data', shard))) out.push(path.join(vault, 'data', shard, name));
  }
  return out;
}

test('a flipped byte in a pack: verify --read-data names the pack and the damaged file; restore reports it', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'precious.bin'), randomData(3 * 1024 * 1024));
  await fsp.writeFile(path.join(dir, 'pass'), 'pw');
  const context = setContext(dir, src, { passphrase: { file: path.join(dir, 'pass') } });
  assert.equal((await runBackup(context)).status, 'completed');
  assert.equal((await verify(context, { readData: true })).status, 'completed');

  const [pack] = await packFiles(path.join(dir, 'vault'));
  assert.ok(pack);
  const handle = await fsp.open(pack, 'r+');
  const byte = Buffer.alloc(1);
  await handle.read(byte, 0, 1, 1000);
  byte[0] = byte[0]! ^ 0x01;
  await handle.write(byte, 0, 1, 1000);
  await handle.close();

  // Structure alone does not read the data; --read-data does, and names what is damaged.
  const quick = await verify(context);
  assert.equal(quick.stats.errors, 0);
  const full = await verify(context, { readData: true });
  assert.equal(full.status, 'completed-with-errors');
  const text = full.log.map((entry) => entry.message).join('\n');
  assert.ok(text.includes(pack), `names the pack file:\n${text}`);
  assert.ok(text.includes(path.join(src, 'precious.bin')), `names the damaged source file:\n${text}`);

  const restored = await restore(context, { to: path.join(dir, 'out') });
  assert.equal(restored.status, 'completed-with-errors');
  assert.ok(restored.log.some((entry) => entry.path === path.join(src, 'precious.bin') && /authentication failed|does not match/.test(entry.message)), JSON.stringify(restored.log));
});

test('a damaged snapshot file makes the next backup fail with the file named', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'f.txt'), 'hello');
  const context = setContext(dir, src);
  assert.equal((await runBackup(context)).status, 'completed');
  const snapshots = path.join(dir, 'vault', 'snapshots');
  const [name] = await fsp.readdir(snapshots);
  await fsp.appendFile(path.join(snapshots, name!), 'garbage');
  const run = await runBackup(context);
  assert.equal(run.status, 'failed');
  assert.match(run.log.at(-1)!.message, new RegExp(`${name}: content does not match its name`));
});
