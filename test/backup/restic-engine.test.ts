import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ResticEngine, resticSet } from '../../src/backup/engines/restic/index.js';
import { findOnPath } from '../../src/backup/find-program.js';
import { Scratch, runSet } from './helpers.js';

const engine = new ResticEngine();
const scratch = new Scratch();
const repo = path.join(scratch.dir, 'repo');
const source = path.join(scratch.dir, 'source');
const passwordFile = scratch.file('restic.pass', 'correct horse\n');
const installed = findOnPath('restic', process.env) !== undefined;

const run = (raw: Record<string, unknown>, signal?: AbortSignal) =>
  runSet(engine, { engine: 'restic', repository: repo, password: { file: passwordFile }, paths: [source], ...raw }, { dataDir: scratch.dir, ...(signal ? { signal } : {}) });

describe('restic engine (real restic, local repository)', { skip: installed ? false : 'restic is not installed (apt install restic)' }, () => {
  before(() => {
    mkdirSync(source);
    for (let i = 0; i < 20; i++) writeFileSync(path.join(source, `file-${i}.txt`), `content ${i}\n`.repeat(100 * (i + 1)));
    execFileSync('restic', ['init', '--repo', repo], { env: { ...process.env, RESTIC_PASSWORD: 'correct horse' }, stdio: 'ignore' });
  });
  after(() => scratch.cleanup());

  it('backs up and reads the summary: files, bytes, snapshot id', async () => {
    const result = await run({});
    assert.equal(result.status, 'completed', JSON.stringify(result.log));
    assert.equal(result.counters.files, 20);
    assert.ok(result.counters.bytesScanned > 0);
    assert.ok(result.counters.bytesNew > 0);
    assert.match(result.snapshotId ?? '', /^[0-9a-f]{8,}$/);
    assert.ok(result.log.some((e) => /files 20 new, 0 changed, 0 unmodified/.test(e.message)));

    writeFileSync(path.join(source, 'file-0.txt'), 'changed\n');
    const second = await run({});
    assert.equal(second.status, 'completed');
    assert.ok(second.log.some((e) => /files 0 new, 1 changed, 19 unmodified/.test(e.message)));
  });

  it('records an unreadable file as completed-with-errors (restic exit 3), naming the path', async () => {
    // Root reads any file regardless of mode; /proc/self/mem cannot be read at offset 0 even by
    // root (EIO), so restic really reports "some source files could not be read".
    const result = await run({ paths: [source, '/proc/self/mem'] });
    assert.equal(result.status, 'completed-with-errors', JSON.stringify(result.log));
    assert.equal(result.counters.errors, 1);
    const first = result.log.find((e) => e.severity === 'error')!;
    assert.equal(first.path, '/proc/self/mem');
    assert.match(first.message, /input\/output error/);
    assert.ok(result.snapshotId, 'a snapshot is still saved');
  });

  it('warns when a path does not exist (restic skips it)', async () => {
    const result = await run({ paths: [source, path.join(scratch.dir, 'vanished')] });
    assert.equal(result.status, 'completed-with-warnings');
    assert.ok(result.log.some((e) => e.severity === 'warning' && /vanished does not exist/.test(e.message)));
  });

  it('fails with restic\'s reason on a wrong password, and never writes the password to the log', async () => {
    const wrong = scratch.file('wrong.pass', 'battery staple');
    const result = await run({ password: { file: wrong } });
    assert.equal(result.status, 'failed');
    assert.match(result.log.at(-1)!.message, /exited with status 1: .*(wrong password|no key found)/i);
    assert.ok(!JSON.stringify(result.log).includes('battery staple'));
  });

  it('uses the set\'s password even when the set\'s env: names another restic password source', async () => {
    // restic reads RESTIC_PASSWORD_FILE / _COMMAND before RESTIC_PASSWORD: left in, they would win.
    const wrong = scratch.file('env-wrong.pass', 'battery staple');
    const result = await run({ env: { RESTIC_PASSWORD_FILE: wrong, RESTIC_PASSWORD_COMMAND: `cat ${wrong}` } });
    assert.equal(result.status, 'completed', JSON.stringify(result.log));
  });

  it('fails before running when the password cannot be read', async () => {
    const result = await run({ password: { env: 'VIGIL_TEST_NO_SUCH_VAR' } });
    assert.equal(result.status, 'failed');
    assert.match(result.log.at(-1)!.message, /VIGIL_TEST_NO_SUCH_VAR is not set/);
  });

  it('fails when the repository does not exist', async () => {
    const result = await run({ repository: path.join(scratch.dir, 'no-repo') });
    assert.equal(result.status, 'failed');
  });

  it('is incomplete when stopped', async () => {
    const controller = new AbortController();
    controller.abort('the service is stopping');
    const result = await run({}, controller.signal);
    assert.equal(result.status, 'incomplete');
  });

  it('problems() names a missing program and an unreadable password, each at its key', () => {
    const config = resticSet.parse({ engine: 'restic', program: 'restic-not-here', password: { file: path.join(scratch.dir, 'none.pass') }, repository: repo, paths: [source] });
    const problems = engine.problems({ name: 'r', dataDir: scratch.dir, config }, process.env);
    assert.deepEqual(problems.map((p) => p.path), [['program'], ['password']]);
    assert.match(problems[0]!.message, /restic-not-here is not installed.*apt install restic/);
    assert.match(problems[1]!.message, /cannot read secret file/);
  });
});
