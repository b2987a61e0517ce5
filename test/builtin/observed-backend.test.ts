import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalBackend } from '../../src/backup/engines/builtin/backend/local-backend.js';
import { ThrottledBackend } from '../../src/backup/engines/builtin/backend/throttled-backend.js';
import type { VaultBackend } from '../../src/backup/engines/builtin/backend/vault-backend.js';
import { ObservedBackend, type BackendCall } from '../helpers/observed-backend.js';
import { tempDir } from './helpers.js';

// A wrapper (src/backup/engines/builtin/backend/forwarding-backend.ts) runs the engine as the
// wrapped stack would, and the tests' observing one (test/helpers/observed-backend.ts) sees every
// object call: the promises their comments make.

class Recorder extends ObservedBackend {
  readonly calls: string[] = [];
  protected override around<T>(call: BackendCall, name: string, run: () => Promise<T>): Promise<T> {
    this.calls.push(`${call} ${name}`);
    return run();
  }
}

test('a wrapped backend keeps its parallelWrites (none when it has none) and loses its localPath', async (t) => {
  const dir = await tempDir(t);
  const throttled = new ThrottledBackend(new LocalBackend(dir), { connections: 7 });
  assert.equal(throttled.parallelWrites, 7);
  assert.equal(throttled.localPath?.('config'), new LocalBackend(dir).localPath('config'), 'the throttle opts in: it limits no read');
  const observed: VaultBackend = new Recorder(throttled);
  assert.equal(observed.parallelWrites, 7);
  assert.equal(observed.localPath, undefined, 'a local path would let restore read packs past the wrapper');
  const plain = new Recorder(new LocalBackend(dir));
  assert.equal(plain.parallelWrites, undefined, 'the engine keeps its own default');
  assert.equal(plain.location, new LocalBackend(dir).location);
});

test('every object call passes through around, and is forwarded unchanged', async (t) => {
  const recorder = new Recorder(new LocalBackend(await tempDir(t)));
  await recorder.prepare(['data']);
  await recorder.write('data/ab/object', Buffer.from('hello'), { exclusive: true });
  await assert.rejects(recorder.write('data/ab/object', Buffer.from('again'), { exclusive: true }), { code: 'EEXIST' });
  assert.deepEqual(await recorder.read('data/ab/object', { offset: 1, length: 3 }), Buffer.from('ell'));
  assert.deepEqual(await recorder.stat('data/ab/object'), { name: 'data/ab/object', size: 5 });
  assert.deepEqual((await recorder.list('data/ab')).files.map((f) => f.name), ['object']);
  await recorder.delete('data/ab/object');
  await recorder.sync();
  await recorder.close();
  assert.deepEqual(recorder.calls, ['write data/ab/object', 'write data/ab/object', 'read data/ab/object', 'stat data/ab/object', 'list data/ab', 'delete data/ab/object']);
});
