import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram } from '../../src/platform/run-program.js';
import { waitFor } from '../helpers/wait-for.js';

// Real processes, really signalled. Each `{ timeout }` is the bound on a hang, not a timing.
const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
const sh = (script: string) => ({ program: '/bin/sh', args: ['-c', script], env });
const BOUND = { timeout: 60_000 };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

test('a deadline ends a hung program with SIGTERM, and the run returns', BOUND, async () => {
  const result = await runProgram({ ...sh('echo started; exec sleep 1000'), deadlineMs: 200 });
  assert.equal(result.ended, 'deadline');
  assert.equal(result.killedWith, 'SIGTERM');
  assert.equal(result.exitSignal, 'SIGTERM');
  assert.equal(result.exitCode, null);
  assert.equal(result.stdout, 'started\n');
  assert.ok(result.pid !== undefined && !isAlive(result.pid));
});

test('a program that ignores SIGTERM is SIGKILLed after the grace', BOUND, async () => {
  const result = await runProgram({ ...sh('trap "" TERM; echo ignoring >&2; while :; do sleep 1; done'), deadlineMs: 200, graceMs: 300 });
  assert.equal(result.ended, 'deadline');
  assert.equal(result.killedWith, 'SIGKILL');
  assert.equal(result.exitSignal, 'SIGKILL');
  assert.match(result.stderr, /ignoring/);
});

test('a grandchild in the process group that ignores SIGTERM dies too, though its parent obeyed', BOUND, async () => {
  // The grandchild holds none of our pipes, so nothing but the group kill can reach it. The
  // grace is longer than the pipe linger: the run returns before the SIGKILL timer would fire.
  const result = await runProgram({ ...sh('(trap "" TERM; exec sleep 1000) >/dev/null 2>&1 & echo $!; wait'), deadlineMs: 500, graceMs: 20_000 });
  const grandchild = Number(result.stdout.trim());
  try {
    assert.ok(grandchild > 0, result.stdout);
    assert.equal(result.ended, 'deadline');
    assert.equal(result.exitSignal, 'SIGTERM', 'the program itself obeyed SIGTERM');
    await waitFor(() => !isAlive(grandchild), { timeoutMs: 10_000, what: `grandchild ${grandchild} to be gone` });
  } finally {
    killQuietly(grandchild);
  }
});

test('what a program leaves running when it exits by itself is reaped only on request', BOUND, async () => {
  const script = '(exec sleep 1000) >/dev/null 2>&1 & echo $!';
  const kept = await runProgram({ ...sh(script), deadlineMs: 20_000 });
  const survivor = Number(kept.stdout.trim());
  try {
    assert.equal(kept.exitCode, 0);
    assert.ok(isAlive(survivor), 'a spooling mail program’s background delivery outlives it');
  } finally {
    killQuietly(survivor);
  }
  const reaped = await runProgram({ ...sh(script), deadlineMs: 20_000, reapGroupOnExit: true });
  const leftover = Number(reaped.stdout.trim());
  try {
    assert.equal(reaped.exitCode, 0);
    await waitFor(() => !isAlive(leftover), { timeoutMs: 10_000, what: `leftover ${leftover} to be gone` });
  } finally {
    killQuietly(leftover);
  }
});

test('output over the cap is truncated with a marker, and the program is never blocked by a full pipe', BOUND, async () => {
  const result = await runProgram({ ...sh('head -c 1000000 /dev/zero | tr "\\0" x; echo err >&2; exit 3'), deadlineMs: 30_000, outputCap: 1000 });
  assert.equal(result.ended, 'no');
  assert.equal(result.exitCode, 3);
  assert.equal(result.stdout, `${'x'.repeat(1000)}\n[… 999000 more bytes not kept]`);
  assert.equal(result.stderr, 'err\n');
  assert.equal(result.bytesOut, 1_000_004);
});

test('no terminal, stdin closed: a prompt cannot wait for a person', BOUND, async () => {
  const result = await runProgram({ ...sh('if true </dev/tty 2>/dev/null; then echo tty; else echo no-tty; fi; cat; echo read-all'), deadlineMs: 30_000 });
  assert.equal(result.ended, 'no');
  assert.equal(result.stdout, 'no-tty\nread-all\n');
  assert.equal(result.stdinComplete, true);
});

test('stdin carries the given bytes and is closed', BOUND, async () => {
  const result = await runProgram({ program: '/bin/cat', args: [], env, stdin: Buffer.from('the message\n'), deadlineMs: 30_000 });
  assert.equal(result.stdout, 'the message\n');
  assert.equal(result.stdinComplete, true);
});

test('the program sees exactly the environment it is given, and runs where it is told', BOUND, async () => {
  const result = await runProgram({ program: '/usr/bin/env', args: [], env: { ONLY: 'this' }, cwd: '/', deadlineMs: 30_000 });
  assert.equal(result.stdout, 'ONLY=this\n');
  const where = await runProgram({ ...sh('pwd'), cwd: '/tmp', deadlineMs: 30_000 });
  assert.equal(where.stdout, '/tmp\n');
});

test('lines are handed over as they come, the last one without its newline too', BOUND, async () => {
  const lines: string[] = [];
  const result = await runProgram({ ...sh('printf "one\\r\\ntwo\\n"; printf "oops\\n" >&2; printf "tail"'), deadlineMs: 30_000, onLine: (stream, line) => lines.push(`${stream}:${line}`) });
  assert.equal(result.exitCode, 0);
  assert.deepEqual(lines.sort(), ['stderr:oops', 'stdout:one', 'stdout:tail', 'stdout:two']);
});

test('a deadline of days does not fire at once (Node would turn it into 1 ms)', BOUND, async () => {
  const result = await runProgram({ ...sh('sleep 0.3; echo done'), deadlineMs: 30 * 24 * 3600 * 1000 });
  assert.equal(result.ended, 'no');
  assert.equal(result.stdout, 'done\n');
});

test('an abort signal ends the program like a deadline', BOUND, async () => {
  const controller = new AbortController();
  const pending = runProgram({ ...sh('echo up; exec sleep 1000'), deadlineMs: 600_000, signal: controller.signal, onLine: () => controller.abort() });
  const result = await pending;
  assert.equal(result.ended, 'aborted');
  assert.equal(result.exitSignal, 'SIGTERM');
});

test('a program that cannot be started is a spawn error, not an exception', BOUND, async () => {
  const result = await runProgram({ program: '/nonexistent/program', args: [], env, stdin: Buffer.from('x'), deadlineMs: 1_000 });
  assert.equal(result.spawnError?.code, 'ENOENT');
  assert.equal(result.exitCode, null);
  assert.equal(result.stdinComplete, false);
});
