import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isMissing, type VaultBackend } from '../../src/backup/engines/builtin/backend/vault-backend.js';

/**
 * The one conformance suite of VaultBackend (src/backup/engines/builtin/backend/vault-backend.ts):
 * every backend — local, SFTP, S3 — runs these same cases against a real peer. `open` gives a
 * backend on a fresh, empty vault location; `cleanup` stops whatever it started.
 */
export interface BackendUnderTest {
  backend: VaultBackend;
  /** A second, independent backend on the same location (another process's view). */
  other: () => Promise<VaultBackend>;
  cleanup: () => Promise<void>;
}

export function vaultBackendSuite(name: string, open: () => Promise<BackendUnderTest>): void {
  describe(`VaultBackend conformance: ${name}`, () => {
    let under: BackendUnderTest;
    let backend: VaultBackend;
    before(async () => {
      under = await open();
      backend = under.backend;
    });
    after(async () => {
      await backend.close();
      await under.cleanup();
    });

    it('lists a directory that does not exist as empty', async () => {
      assert.deepEqual(await backend.list('index'), { files: [], dirs: [] });
      assert.equal(await backend.stat('index/nothing'), undefined);
    });

    it('reads back what it wrote, whole and by range; a range past the end comes back short', async () => {
      const data = randomBytes(100_000);
      await backend.write('snapshots/a1', data);
      assert.deepEqual(await backend.read('snapshots/a1'), data);
      assert.deepEqual(await backend.read('snapshots/a1', { offset: 1000, length: 5000 }), data.subarray(1000, 6000));
      assert.deepEqual(await backend.read('snapshots/a1', { offset: 99_990, length: 100 }), data.subarray(99_990));
      assert.deepEqual(await backend.stat('snapshots/a1'), { name: 'snapshots/a1', size: 100_000 });
    });

    it('stores an empty object', async () => {
      await backend.write('keys/empty.json', Buffer.alloc(0));
      assert.equal((await backend.read('keys/empty.json')).length, 0);
      assert.deepEqual(await backend.stat('keys/empty.json'), { name: 'keys/empty.json', size: 0 });
    });

    it('reports a missing object as missing (ENOENT), not as another failure', async () => {
      await assert.rejects(backend.read('index/missing'), (error: unknown) => isMissing(error));
      await assert.rejects(backend.read('index/missing', { offset: 0, length: 4 }), (error: unknown) => isMissing(error));
    });

    it('creates parent directories as needed and lists files with sizes and sub-directories', async () => {
      await backend.write('data/ab/ab01', Buffer.alloc(10, 1));
      await backend.write('data/ab/ab02', Buffer.alloc(20, 2));
      await backend.write('data/cd/cd01', Buffer.alloc(30, 3));
      const top = await backend.list('data');
      assert.deepEqual(top.dirs.sort(), ['ab', 'cd']);
      assert.deepEqual(top.files, []);
      const shard = await backend.list('data/ab');
      assert.deepEqual(shard.files.sort((a, b) => a.name.localeCompare(b.name)), [{ name: 'ab01', size: 10 }, { name: 'ab02', size: 20 }]);
      assert.deepEqual(shard.dirs, []);
    });

    it('replaces an object whole; another client sees the new bytes at once (read-after-write)', async () => {
      const other = await under.other();
      try {
        await backend.write('locks/l1.json', Buffer.from('{"v":1}'));
        assert.equal((await other.read('locks/l1.json')).toString(), '{"v":1}');
        await backend.write('locks/l1.json', Buffer.from('{"v":2,"longer":true}'));
        assert.equal((await other.read('locks/l1.json')).toString(), '{"v":2,"longer":true}');
        assert.ok((await other.list('locks')).files.some((file) => file.name === 'l1.json'), 'list-after-write');
      } finally {
        await other.close();
      }
    });

    it('refuses an exclusive write over an existing name (EEXIST) and keeps the old bytes', async () => {
      await backend.write('config', Buffer.from('first'), { exclusive: true });
      await assert.rejects(backend.write('config', Buffer.from('second'), { exclusive: true }), (error: NodeJS.ErrnoException) => error.code === 'EEXIST');
      assert.equal((await backend.read('config')).toString(), 'first');
    });

    it('deletes; deleting a missing object is not an error; a listing after the delete no longer shows it', async () => {
      await backend.write('index/d1', Buffer.from('x'));
      await backend.delete('index/d1');
      await backend.delete('index/d1');
      await assert.rejects(backend.read('index/d1'), (error: unknown) => isMissing(error));
      assert.ok(!(await backend.list('index')).files.some((file) => file.name === 'd1'));
    });

    it('writes a pack-sized object in parallel with others, each whole (no torn or mixed bytes)', async () => {
      const objects = Array.from({ length: 6 }, (_, n) => ({ name: `data/ee/ee${n}`, data: randomBytes(n === 0 ? 9 * 1024 * 1024 : 300_000 + n) }));
      await Promise.all(objects.map((object) => backend.write(object.name, object.data)));
      await backend.sync();
      for (const object of objects) assert.deepEqual(await backend.read(object.name), object.data, object.name);
      assert.equal((await backend.list('data/ee')).files.length, objects.length, 'no temporary names in the listing');
    });

    it('never shows temporary names outside tmp/', async () => {
      for (const dir of ['', 'data', 'data/ab', 'index', 'snapshots', 'locks', 'keys']) {
        const { files } = await backend.list(dir);
        for (const file of files) assert.doesNotMatch(file.name, /\.tmp$|\.excl$|\.part$/, `${dir}/${file.name}`);
      }
    });

    it('can be used again after close (it reconnects)', async () => {
      await backend.close();
      await backend.write('snapshots/after-close', Buffer.from('again'));
      assert.equal((await backend.read('snapshots/after-close')).toString(), 'again');
    });
  });
}
