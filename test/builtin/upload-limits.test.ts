import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { restore } from '../../src/backup/engines/builtin/index.js';
import { S3Peer } from '../helpers/s3-peer.js';
import { CountingProxy } from '../helpers/counting-proxy.js';
import { randomData, runBackup, setContext, tempDir } from './helpers.js';

// `vaults.<name>.connections` bounds the uploads in flight, as the server sees them. A real HTTP
// proxy in front of s3rver counts the PUTs in flight and holds each one a moment before passing
// it on, so uploads that may overlap do; the most it ever saw at once must be `connections`.
let s3: S3Peer;
let proxy: CountingProxy;
before(async () => {
  s3 = new S3Peer();
  await s3.start();
  proxy = new CountingProxy(s3.port);
  await proxy.start();
});
after(async () => {
  await proxy.stop();
  await s3.cleanup();
});

process.env.VIGIL_TEST_S3_KEY = 'S3RVER';
process.env.VIGIL_TEST_S3_SECRET = 'S3RVER';

async function backupThroughProxy(t: Parameters<typeof tempDir>[0], connections: number | undefined, hold: { holdMs: number; releaseAt: number }) {
  const dir = await tempDir(t);
  const src = path.join(dir, 'src');
  await fsp.mkdir(src);
  // ~6 packs of 8 MiB: more packs than any bound under test.
  for (let n = 0; n < 5; n++) await fsp.writeFile(path.join(src, `part-${n}.bin`), randomData(9 * 1024 * 1024));
  const vaultTarget = {
    url: `s3+http://127.0.0.1:${proxy.port}/${s3.bucket}/limits-${connections ?? 'default'}-${Date.now()}`,
    accessKeyId: { env: 'VIGIL_TEST_S3_KEY' },
    secretAccessKey: { env: 'VIGIL_TEST_S3_SECRET' },
    region: 'us-east-1',
    pathStyle: true,
    timeout: 20_000,
    ...(connections === undefined ? {} : { connections }),
  };
  const context = setContext(dir, src, { vault: 'cloud', vaultTarget });
  proxy.maxInFlight = 0;
  proxy.puts = 0;
  Object.assign(proxy, hold);
  const result = await runBackup(context);
  assert.equal(result.status, 'completed', JSON.stringify(result.log));
  return { dir, src, context };
}

test('connections: 1 — the server never sees two uploads at once, and the vault restores', async (t) => {
  // Each PUT held 1 s: a second upload let go meanwhile would be seen.
  const { dir, src, context } = await backupThroughProxy(t, 1, { holdMs: 1000, releaseAt: Infinity });
  assert.ok(proxy.puts >= 6, `${proxy.puts} PUTs`);
  assert.equal(proxy.maxInFlight, 1);
  const out = path.join(dir, 'out');
  assert.equal((await restore(context, { to: out })).status, 'completed');
  assert.ok((await fsp.readFile(path.join(out, src, 'part-4.bin'))).equals(await fsp.readFile(path.join(src, 'part-4.bin'))));
});

test('connections: 5 — up to five uploads in flight (more than the engine’s former three)', async (t) => {
  // Held until five are in flight (or 5 s): the bound is reached however slow this machine is.
  await backupThroughProxy(t, 5, { holdMs: 5000, releaseAt: 5 });
  assert.equal(proxy.maxInFlight, 5);
});
