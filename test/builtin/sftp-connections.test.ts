import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SftpBackend } from '../../src/backup/engines/builtin/backend/sftp-backend.js';
import { SshdPeer } from '../helpers/sshd-peer.js';
import { randomData } from './helpers.js';

// `connections` over SFTP: uploads in flight together go over several SSH connections, so one
// sshd process fsyncing a pack does not hold up the others.

let sshd: SshdPeer;
before(async () => {
  sshd = new SshdPeer();
  await sshd.start();
});
after(() => sshd.cleanup());

test('uploads in flight together use up to `connections` SSH connections, and each object arrives whole; small calls share one', async () => {
  const backend = new SftpBackend(sshd.target(sshd.remoteDir(`connections-${Date.now()}`)), 3);
  try {
    await backend.prepare(['data', 'tmp']);
    // Listings and lookups are requests in flight on one connection: not worth a handshake each.
    await Promise.all(['data', 'tmp', 'index', 'keys'].map((dir) => backend.list(dir)));
    await Promise.all(['config', 'data/x', 'tmp/y'].map((name) => backend.stat(name)));
    assert.equal(sshd.sessionCount(), 1, 'small calls at once went over one connection');
    const objects = Array.from({ length: 5 }, (_, n) => randomData(1024 * 1024 + n));
    await Promise.all(objects.map((bytes, n) => backend.write(`data/p${n}`, bytes)));
    assert.equal(sshd.sessionCount(), 3, 'five writes at once went over three connections, no more');
    const read = await Promise.all(objects.map((_, n) => backend.read(`data/p${n}`)));
    read.forEach((bytes, n) => assert.ok(bytes.equals(objects[n]!), `data/p${n} arrived whole`));
    // A lone call afterwards reuses an open connection instead of opening another.
    assert.equal((await backend.list('data')).files.length, 5);
    assert.equal(sshd.sessionCount(), 3);
  } finally {
    await backend.close();
  }
});
