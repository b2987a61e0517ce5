import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChildProcessRunner } from '../../src/transports/mailclient/program-runner.js';
import { minimalEnv } from '../../src/transports/mailclient/mail-client.js';
import { FIXTURES } from './helpers.js';
import { waitFor } from '../helpers/wait-for.js';

const runner = new ChildProcessRunner();
const env = minimalEnv({ HOME: '/nonexistent', USER: 'vigil' });
const fixture = (name: string) => path.join(FIXTURES, name);

/** Live (non-zombie) processes of a process group, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('runs the program in a session of its own, so it cannot open /dev/tty to prompt', async () => {
  const result = await runner.run({ path: fixture('tty-prompt.sh'), args: [], stdin: Buffer.from('hello\n'), env, deadlineMs: 10_000, graceMs: 1_000 });
  assert.equal(result.ended, 'no');
  assert.equal(result.exitCode, 78);
  assert.match(result.stderr, /cannot open \/dev\/tty/);
  const ids = /pid=(\d+) pgid=(\d+) sid=(\d+)/.exec(result.stderr);
  assert.ok(ids, result.stderr);
  assert.equal(ids[3], ids[1], 'the program leads its own session');
  assert.equal(ids[2], ids[1], 'the program leads its own process group');
});

test('passes the message on stdin, the arguments as given and only the minimal environment', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-run-'));
  try {
    const message = Buffer.from('Subject: x\r\n\r\nbody\r\n.\r\nafter the dot\r\n');
    const result = await runner.run({
      path: fixture('record.sh'),
      args: ['-i', '-f', 'a@b.test', '--', 'c@d.test'],
      stdin: message,
      env: { ...env, RECORD_DIR: dir },
      deadlineMs: 10_000,
      graceMs: 1_000,
    });
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdinComplete, true);
    assert.deepEqual(readFileSync(path.join(dir, '0.eml')), message);
    assert.deepEqual(readFileSync(path.join(dir, '0.args'), 'utf8').trim().split('\n'), ['-i', '-f', 'a@b.test', '--', 'c@d.test']);
    const seen = readFileSync(path.join(dir, '0.env'), 'utf8');
    assert.doesNotMatch(seen, /^NODE_/m, 'nothing of Vigil’s environment leaks');
    assert.match(seen, /^HOME=\/nonexistent$/m);
    assert.match(seen, /^LC_ALL=C$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a program that waits after reading the message is ended with SIGTERM at the deadline', async () => {
  const result = await runner.run({ path: fixture('hang-after-read.sh'), args: [], stdin: Buffer.from('x\n'), env, deadlineMs: 500, graceMs: 2_000 });
  assert.equal(result.ended, 'deadline');
  assert.equal(result.killedWith, 'SIGTERM');
  assert.equal(result.exitSignal, 'SIGTERM');
  assert.equal(result.stdinComplete, true);
  assert.ok(result.pid && !isAlive(result.pid));
});

test('a program that ignores SIGTERM is killed with SIGKILL after the grace, with everything it started', async () => {
  const result = await runner.run({ path: fixture('ignore-term.sh'), args: [], stdin: Buffer.from('x\n'), env, deadlineMs: 300, graceMs: 300 });
  assert.equal(result.ended, 'deadline');
  assert.equal(result.killedWith, 'SIGKILL');
  assert.equal(result.exitSignal, 'SIGKILL');
  assert.match(result.stderr, /ignoring SIGTERM/);
  assert.ok(result.pid);
  const pgid = result.pid;
  // SIGKILL reached the group; its members finish dying a moment after the leader.
  await waitFor(() => !groupMembers(pgid).length, { timeoutMs: 5_000, what: 'the process group to be gone' });
});

test('a program that never reads a large message: stdin incomplete, ended', async () => {
  const big = Buffer.alloc(1024 * 1024, 'a');
  const result = await runner.run({ path: fixture('no-read.sh'), args: [], stdin: big, env, deadlineMs: 300, graceMs: 300 });
  assert.equal(result.ended, 'deadline');
  assert.equal(result.stdinComplete, false);
});

test('an abort signal ends the program like a deadline', async () => {
  const controller = new AbortController();
  const pending = runner.run({ path: fixture('hang-after-read.sh'), args: [], stdin: Buffer.from('x\n'), env, deadlineMs: 60_000, graceMs: 1_000, signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  const result = await pending;
  assert.equal(result.ended, 'aborted');
  assert.equal(result.exitSignal, 'SIGTERM');
});

test('a program that does not exist is a spawn error, not an exception', async () => {
  const result = await runner.run({ path: '/nonexistent/sendmail', args: [], env, deadlineMs: 1_000, graceMs: 100 });
  assert.equal(result.spawnError?.code, 'ENOENT');
  assert.equal(result.exitCode, null);
});

test('a grandchild holding stdout open does not keep the run waiting', async () => {
  const result = await runner.run({ path: fixture('spawn-grandchild.sh'), args: [], stdin: Buffer.from('x\n'), env, deadlineMs: 20_000, graceMs: 1_000 });
  try {
    assert.equal(result.exitCode, 0);
    assert.equal(result.ended, 'no', 'finished on its exit, not at the deadline');
  } finally {
    if (result.pid) {
      try {
        process.kill(-result.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

test('output is capped, and the program is never blocked by a full pipe', async () => {
  const result = await runner.run({ path: '/bin/sh', args: ['-c', 'head -c 1000000 /dev/zero | tr "\\0" x >&2; exit 3'], env, deadlineMs: 20_000, graceMs: 1_000, outputCap: 1000 });
  assert.equal(result.exitCode, 3);
  assert.ok(result.stderr.startsWith('x'.repeat(1000)));
  assert.match(result.stderr, /999000 more bytes not kept/);
});
