import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { restore, verify } from '../../src/backup/engines/builtin/index.js';
import { faultOfRun } from '../../src/notify/fault-detect.js';
import type { EngineRunResult } from '../../src/backup/engine.js';
import { S3Peer } from '../helpers/s3-peer.js';
import { describeTree, randomData, runBackup, setContext, tempDir, textBytes } from './helpers.js';

// The builtin engine against a local S3-compatible server (s3rver; what it does not emulate: test/helpers/s3-peer.ts).
let s3: S3Peer;
before(async () => {
  s3 = new S3Peer();
  await s3.start();
});
after(() => s3.cleanup());

process.env.VIGIL_TEST_S3_KEY = 'S3RVER';
process.env.VIGIL_TEST_S3_SECRET = 'S3RVER';

function s3Set(dir: string, src: string, url: string, key = 'VIGIL_TEST_S3_KEY') {
  const vaultTarget = { url, accessKeyId: { env: key }, secretAccessKey: { env: 'VIGIL_TEST_S3_SECRET' }, region: 'us-east-1', pathStyle: true, timeout: 20_000 };
  return setContext(dir, src, { vault: 'cloud', vaultTarget });
}

test('backup to an S3 vault, restore byte for byte, verify --read-data', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(path.join(src, 'docs'), { recursive: true });
  await fsp.writeFile(path.join(src, 'docs', 'a.txt'), textBytes(200_000));
  await fsp.writeFile(path.join(src, 'b.bin'), randomData(2 * 1024 * 1024 + 3));
  const context = s3Set(dir, src, `s3+http://127.0.0.1:${s3.port}/${s3.bucket}/fs01-${Date.now()}`);
  const first = await runBackup(context);
  assert.equal(first.status, 'completed', JSON.stringify(first.log));
  const out = path.join(dir, 'out');
  const restored = await restore(context, { to: out });
  assert.equal(restored.status, 'completed', JSON.stringify(restored.log));
  assert.deepEqual(describeTree(path.join(out, src)), describeTree(src));
  const checked = await verify(context, { readData: true });
  assert.equal(checked.status, 'completed', JSON.stringify(checked.log));
  const second = await runBackup(context);
  assert.equal(second.counters.bytesNew, 0);
});

test('S3: a refused access key is ERR_VAULT_AUTH, a missing bucket and a dead endpoint ERR_VAULT_UNREACHABLE; all vault-unreachable; the secret is never in the log', async (t) => {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  await fsp.writeFile(path.join(src, 'a'), 'a');
  // s3rver does not check SigV4 signatures (a wrong secret passes); an unknown access key it refuses.
  process.env.VIGIL_TEST_S3_WRONG = 'AKIA-NOT-A-KEY';
  const cases = [
    { url: `s3+http://127.0.0.1:${s3.port}/${s3.bucket}/x`, key: 'VIGIL_TEST_S3_WRONG', code: 'ERR_VAULT_AUTH' },
    { url: `s3+http://127.0.0.1:${s3.port}/no-such-bucket/x`, key: 'VIGIL_TEST_S3_KEY', code: 'ERR_VAULT_UNREACHABLE' },
    { url: `s3+http://127.0.0.1:1/${s3.bucket}/x`, key: 'VIGIL_TEST_S3_KEY', code: 'ERR_VAULT_UNREACHABLE' },
  ];
  for (const { url, key, code } of cases) {
    const result = await runBackup(s3Set(dir, src, url, key));
    assert.equal(result.status, 'failed', url);
    assert.equal(result.stoppedBy?.code, code, `${url}: ${JSON.stringify(result.log)}`);
    assert.equal(faultOf(result), 'vault-unreachable');
    assert.doesNotMatch(JSON.stringify(result.log), /S3RVER/, 'the secret key is not in the log');
  }
});

/** The service fault the runner would raise for this run. */
function faultOf(result: EngineRunResult) {
  return faultOfRun({ status: result.status, firstError: result.log[0]?.message ?? '', ...(result.stoppedBy ? { stoppedBy: result.stoppedBy } : {}) });
}
