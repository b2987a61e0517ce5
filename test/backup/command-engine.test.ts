import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CommandEngine, commandSet } from '../../src/backup/engines/command/index.js';
import { Scratch, runSet } from './helpers.js';

const engine = new CommandEngine();
const scratch = new Scratch();
after(() => scratch.cleanup());
const run = (raw: Record<string, unknown>, signal?: AbortSignal) => runSet(engine, { engine: 'command', ...raw }, { dataDir: scratch.dir, ...(signal ? { signal } : {}) });

describe('command engine', () => {
  it('completes on exit 0 and keeps stdout and stderr in the log', async () => {
    const ok = scratch.script('ok.sh', 'echo "dumped 3 tables"\necho "note on stderr" >&2\nexit 0');
    const result = await run({ command: [ok] });
    assert.equal(result.status, 'completed');
    assert.ok(result.log.some((e) => e.message === 'dumped 3 tables'));
    assert.ok(result.log.some((e) => e.message === 'stderr: note on stderr'));
    assert.equal(result.counters.errors, 0);
  });

  it('passes argv without a shell, and the configured cwd and env', async () => {
    const echo = scratch.script('args.sh', 'printf "%s|" "$@"; echo; pwd; echo "$VIGIL_TEST_VAR"');
    const result = await run({ command: [echo, 'a b', '$HOME', '*'], cwd: '/tmp', env: { VIGIL_TEST_VAR: 'from-config' } });
    assert.equal(result.status, 'completed');
    const lines = result.log.map((e) => e.message);
    assert.ok(lines.includes('a b|$HOME|*|'), lines.join('\n'));
    assert.ok(lines.includes('/tmp'));
    assert.ok(lines.includes('from-config'));
  });

  it('runs a shell string with shell: true', async () => {
    const result = await run({ command: 'echo one && echo two | tr a-z A-Z', shell: true });
    assert.equal(result.status, 'completed');
    assert.ok(result.log.some((e) => e.message === 'TWO'));
  });

  it('maps warningExitCodes to completed-with-warnings and errorExitCodes to completed-with-errors', async () => {
    const vanished = scratch.script('rsync-24.sh', 'echo "file has vanished: /srv/x" >&2\nexit 24');
    const warned = await run({ command: [vanished], warningExitCodes: [24] });
    assert.equal(warned.status, 'completed-with-warnings');
    assert.equal(warned.counters.warnings, 1);
    assert.match(warned.log.at(-1)!.message, /status 24.*file has vanished/);

    const partial = await run({ command: [vanished], errorExitCodes: [24] });
    assert.equal(partial.status, 'completed-with-errors');

    const plain = await run({ command: [vanished] });
    assert.equal(plain.status, 'failed');
  });

  it('fails on another exit status, naming it and the last stderr lines', async () => {
    const bad = scratch.script('fail.sh', 'echo "pg_dump: connection refused" >&2\nexit 2');
    const result = await run({ command: [bad], warningExitCodes: [24] });
    assert.equal(result.status, 'failed');
    const last = result.log.at(-1)!;
    assert.equal(last.severity, 'error');
    assert.match(last.message, /exited with status 2: pg_dump: connection refused/);
    assert.equal(result.counters.errors, 1);
  });

  it('fails with a clear reason when the program does not exist or is not executable', async () => {
    const missing = await run({ command: [path.join(scratch.dir, 'nope.sh')] });
    assert.equal(missing.status, 'failed');
    assert.match(missing.log.at(-1)!.message, /nope\.sh: not found/);

    const plainFile = scratch.file('not-exec.sh', '#!/bin/sh\necho hi\n');
    const notExec = await run({ command: [plainFile] });
    assert.equal(notExec.status, 'failed');
    assert.match(notExec.log.at(-1)!.message, /not executable|permission denied/);
  });

  it('stops a hanging command at its timeout, with its children, and records it incomplete', async () => {
    const pidFile = path.join(scratch.dir, 'child.pid');
    const hang = scratch.script('hang.sh', `sleep 300 &\necho $! > ${pidFile}\necho started\nwait`);
    const result = await run({ command: [hang], timeout: '1s' });
    assert.equal(result.status, 'incomplete');
    assert.match(result.log.at(-1)!.message, /did not finish within the timeout of 1s/);
    // The grandchild (sleep) was in the same process group: it is gone too.
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(!alive(pid), `sleep ${pid} outlived the timeout`);
  });

  it('stops when the signal aborts (Ctrl-C, service stop) and records incomplete with the reason', async () => {
    const hang = scratch.script('hang2.sh', 'echo working\nsleep 300');
    const controller = new AbortController();
    const running = run({ command: [hang] }, controller.signal);
    setTimeout(() => controller.abort('stopped by Ctrl-C (SIGINT)'), 300);
    const result = await running;
    assert.equal(result.status, 'incomplete');
    assert.match(result.log.at(-1)!.message, /stopped by Ctrl-C/);
  });

  it('caps megabytes of output: keeps the head and tail and says how much was cut', async () => {
    // ~4 MB: 100k lines of 40 characters.
    const noisy = scratch.script('noisy.sh', 'i=0; yes "0123456789012345678901234567890123456789" | head -n 100000; echo "LAST LINE"');
    const result = await run({ command: [noisy] });
    assert.equal(result.status, 'completed');
    assert.ok(result.log.length < 400, `log has ${result.log.length} entries`);
    const cut = result.log.find((e) => /line\(s\) of output .* not kept/.test(e.message));
    assert.ok(cut, 'no entry says what was cut');
    assert.match(cut.message, /^… 99751 line\(s\) of output \(\d+ bytes\)/);
    assert.equal(result.log.at(-2)!.message, 'LAST LINE');
  });

  it('cuts one enormous line rather than holding it', async () => {
    const wide = scratch.script('wide.sh', 'head -c 3000000 /dev/zero | tr "\\0" x; echo');
    const result = await run({ command: [wide] });
    assert.equal(result.status, 'completed');
    assert.ok(result.log.every((e) => e.message.length <= 4_100));
  });
});

describe('command engine problems', () => {
  const problemsOf = (raw: Record<string, unknown>) => engine.problems({ name: 't', dataDir: scratch.dir, config: commandSet.parse({ engine: 'command', ...raw }) }, process.env);
  it('names a missing or non-executable program, at the key to fix', () => {
    const plainFile = scratch.file('plain.txt', 'x');
    const problems = problemsOf({ command: [plainFile] });
    assert.equal(problems.length, 1);
    assert.deepEqual(problems[0]!.path, ['command']);
    assert.match(problems[0]!.message, /is not executable/);
    assert.ok(existsSync(plainFile));
    const missing = problemsOf({ command: ['no-such-program-vigil'] });
    assert.match(missing[0]!.message, /not installed/);
  });
  it('names a missing working directory at cwd', () => {
    const problems = problemsOf({ command: ['true'], cwd: `${scratch.dir}/no-such-dir` });
    assert.deepEqual(problems.map((p) => p.path), [['cwd']]);
  });
});

/** Running (a zombie left for a container's init to reap counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}
