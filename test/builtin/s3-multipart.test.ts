import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { S3Backend } from '../../src/backup/engines/builtin/backend/s3-backend.js';
import { S3Peer } from '../helpers/s3-peer.js';
import { CountingProxy } from '../helpers/counting-proxy.js';

// Multipart uploads against s3rver, seen through a real proxy: an object over the threshold goes
// up in parts and reads back whole; a part the server fails aborts the upload and leaves no object.
let s3: S3Peer;
let proxy: CountingProxy;
before(async () => {
  s3 = new S3Peer();
  await s3.start();
  proxy = new CountingProxy(s3.port);
  proxy.holdMs = 0;
  await proxy.start();
});
after(async () => {
  await proxy.stop();
  await s3.cleanup();
});

function backend(prefix: string): S3Backend {
  return new S3Backend({ ...s3.target(prefix, { multipartThreshold: 1024 * 1024, partSize: 512 * 1024 }), endpoint: `http://127.0.0.1:${proxy.port}` });
}

test('an object over the threshold goes up in parts (create, 4 parts, complete) and reads back byte for byte; a small one in one PUT', async () => {
  const vault = backend(`mp-${Date.now()}`);
  const data = randomBytes(2 * 1024 * 1024 - 7);
  proxy.requests.length = 0;
  await vault.write('data/ab/big', data);
  assert.equal(proxy.requests.filter((r) => /^POST .*\?uploads/.test(r)).length, 1, proxy.requests.join('\n'));
  assert.equal(proxy.requests.filter((r) => /^PUT .*partNumber=\d+/.test(r)).length, 4);
  assert.equal(proxy.requests.filter((r) => /^POST .*uploadId=/.test(r)).length, 1, 'completed');
  assert.ok((await vault.read('data/ab/big')).equals(data));
  assert.deepEqual(await vault.stat('data/ab/big'), { name: 'data/ab/big', size: data.length });

  proxy.requests.length = 0;
  await vault.write('data/ab/small', randomBytes(1000));
  assert.deepEqual(proxy.requests.filter((r) => r.startsWith('PUT') || r.startsWith('POST')).length, 1);
  await vault.close();
});

test('a part the server fails: the upload is aborted (DELETE ?uploadId), the write fails, and no object has the name', async () => {
  const vault = backend(`mp-fail-${Date.now()}`);
  proxy.requests.length = 0;
  proxy.failWith = (method, url) => (method === 'PUT' && /partNumber=3\b/.test(url) ? 500 : undefined);
  try {
    await assert.rejects(vault.write('data/cd/big', randomBytes(2 * 1024 * 1024)), (error: NodeJS.ErrnoException) => error.code === 'EIO' && /part 3 of 4/.test(error.message));
  } finally {
    proxy.failWith = undefined;
  }
  assert.equal(proxy.requests.filter((r) => /^DELETE .*uploadId=/.test(r)).length, 1, `aborted:\n${proxy.requests.join('\n')}`);
  assert.equal(proxy.requests.filter((r) => /^POST .*uploadId=/.test(r)).length, 0, 'never completed');
  assert.equal(await vault.stat('data/cd/big'), undefined);
  await vault.close();
});
