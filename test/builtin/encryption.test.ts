import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { listSnapshots, restore } from '../../src/backup/engines/builtin/index.js';
import { isVigilError } from '../../src/domain/errors.js';
import { allBytes, runBackup, setContext, tempDir } from './helpers.js';

test('an encrypted vault holds no plaintext names or contents, and restores with the passphrase', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(path.join(src, 'zebra-directory-name'), { recursive: true });
  const content = 'PLAINTEXT-MARKER '.repeat(2000);
  await fsp.writeFile(path.join(src, 'zebra-directory-name', 'quokka-file-name.txt'), content);
  await fsp.writeFile(path.join(dir, 'pass'), 'open sesame\n');
  const context = setContext(dir, src, { passphrase: { file: path.join(dir, 'pass') } });
  const result = await runBackup(context);
  assert.equal(result.status, 'completed', JSON.stringify(result.log));

  const vaultBytes = allBytes(path.join(dir, 'vault'));
  for (const marker of ['quokka-file-name', 'zebra-directory-name', 'PLAINTEXT-MARKER', src, 'docs']) {
    assert.equal(vaultBytes.includes(Buffer.from(marker)), false, `vault contains ${marker}`);
  }
  const out = path.join(dir, 'out');
  const restored = await restore(context, { to: out });
  assert.equal(restored.status, 'completed');
  assert.equal(await fsp.readFile(path.join(out, src, 'zebra-directory-name', 'quokka-file-name.txt'), 'utf8'), content);
});

test('a wrong or missing passphrase is a clear error, never garbage', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'f'), 'data');
  process.env.VIGIL_TEST_PASS_RIGHT = 'right';
  process.env.VIGIL_TEST_PASS_WRONG = 'wrong';
  const good = setContext(dir, src, { passphrase: { env: 'VIGIL_TEST_PASS_RIGHT' } });
  assert.equal((await runBackup(good)).status, 'completed');

  const bad = setContext(dir, src, { passphrase: { env: 'VIGIL_TEST_PASS_WRONG' } });
  await assert.rejects(listSnapshots(bad), (error) => isVigilError(error) && error.code === 'ERR_VAULT_PASSPHRASE' && /wrong passphrase/.test(error.message));
  await assert.rejects(restore(bad, { to: path.join(dir, 'out') }), (error) => isVigilError(error) && error.code === 'ERR_VAULT_PASSPHRASE');
  const run = await runBackup(bad);
  assert.equal(run.status, 'failed');
  assert.match(run.log[0]!.message, /wrong passphrase for vault .*vault/);

  const none = setContext(dir, src);
  await assert.rejects(listSnapshots(none), (error) => isVigilError(error) && error.code === 'ERR_VAULT_PASSPHRASE' && /encrypted and no passphrase/.test(error.message));
  await assert.rejects(fsp.stat(path.join(dir, 'out')), 'nothing was restored');
});
