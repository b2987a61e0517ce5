import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

/** `vigil run`, `vigil activity` and `vigil start` as real subprocesses against a temp config. */
const ws = new Workspace();
const script = (name: string, body: string) => {
  const file = path.join(ws.dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};
const marker = path.join(ws.dir, 'hang.started');

before(() => {
  const ok = script('ok.sh', 'echo "all tables dumped"');
  const warn = script('warn.sh', 'echo "file has vanished: /srv/a" >&2; exit 24');
  const fail = script('fail.sh', 'echo "disk full" >&2; exit 1');
  const hang = script('hang.sh', `touch ${marker}; echo started; exec sleep 300`);
  ws.write(`dataDir: ./var
sets:
  ok: { engine: command, command: [${ok}] }
  warn: { engine: command, command: [${warn}], warningExitCodes: [24] }
  fail: { engine: command, command: [${fail}] }
  hang: { engine: command, command: [${hang}] }
  ghost: { engine: command, command: [${path.join(ws.dir, 'missing.sh')}] }
`);
});
after(() => ws.cleanup());

/** Spawns the CLI, calls `whenReady` once `ready()` holds, and resolves with how it ended. */
function spawnVigil(args: string[], ready: (stderr: string) => boolean, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), ...args, '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let sent = false;
  const poll = setInterval(() => {
    if (!sent && ready(stderr)) {
      sent = true;
      child.kill(signal);
    }
  }, 50);
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('vigil run', () => {
  it('exits 0 for completed, 3 for completed with warnings, 1 for failed', async () => {
    const ok = await ws.vigil(['run', 'ok']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^ok: completed in /m);
    assert.match(ok.stdout, /details: vigil activity show \d+/);
    // Not a terminal: plain timestamped progress lines, no escape sequences.
    assert.match(ok.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ running set ok \(activity \d+\)/m);
    assert.ok(!ok.stderr.includes('\x1b['));

    const warn = await ws.vigil(['run', 'warn']);
    assert.equal(warn.code, 3);
    assert.match(warn.stdout, /completed-with-warnings/);
    assert.match(warn.stdout, /warning: .*exited with status 24.*file has vanished/);

    const fail = await ws.vigil(['run', 'fail']);
    assert.equal(fail.code, 1);
    assert.match(fail.stdout, /fail: failed/);
    assert.match(fail.stdout, /disk full/);

    const ghost = await ws.vigil(['run', 'ghost']);
    assert.equal(ghost.code, 1);
    assert.match(ghost.stdout, /missing\.sh: not found/);
    assert.ok(!/\n\s+at /.test(ghost.stderr), 'no stack trace');
  });

  it('exits 2 with a hint for an unknown set', async () => {
    const result = await ws.vigil(['run', 'nope']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no backup set named "nope"/);
    assert.match(result.stderr, /hint: Defined sets: ok, warn, fail, hang, ghost/);
  });

  it('Ctrl-C stops the run and records it cancelled, not incomplete: the person who started it stopped it (exit 1)', async () => {
    const result = await spawnVigil(['run', 'hang'], (stderr) => stderr.includes('running set hang') && existsSync(marker), 'SIGINT');
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /hang: cancelled/);
    assert.match(result.stdout, /stopped by Ctrl-C \(SIGINT\)/);
  });
});

describe('vigil activity', () => {
  it('lists every run, filters by set and status, and --json is machine-readable', async () => {
    const table = await ws.vigil(['activity']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+STARTED\s+KIND\s+SET\s+STATUS/);
    for (const status of ['completed', 'completed-with-warnings', 'failed', 'cancelled']) assert.match(table.stdout, new RegExp(`\\s${status}\\s`));

    const json = await ws.vigil(['activity', '--json', '--set', 'warn']);
    const rows = JSON.parse(json.stdout) as Array<{ set: string; status: string; counters: { warnings: number } }>;
    assert.ok(rows.length >= 1);
    assert.ok(rows.every((r) => r.set === 'warn' && r.status === 'completed-with-warnings' && r.counters.warnings === 1));

    const failed = JSON.parse((await ws.vigil(['activity', '--json', '--status', 'failed', '--since', '1h'])).stdout) as Array<{ set: string }>;
    assert.deepEqual(failed.map((r) => r.set).sort(), ['fail', 'ghost']);

    const bad = await ws.vigil(['activity', '--status', 'exploded']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown status/);
  });

  it('show ID prints the run with its log; an unknown id is an error with a hint', async () => {
    const [fail] = JSON.parse((await ws.vigil(['activity', '--json', '--set', 'fail'])).stdout) as Array<{ id: number }>;
    const shown = await ws.vigil(['activity', 'show', String(fail!.id)]);
    assert.equal(shown.code, 0);
    assert.match(shown.stdout, /status\s+failed/);
    assert.match(shown.stdout, /error\s+.*fail\.sh exited with status 1: disk full/);
    assert.match(shown.stdout, /stderr: disk full/);

    const json = JSON.parse((await ws.vigil(['activity', 'show', String(fail!.id), '--json'])).stdout) as { log: unknown[] };
    assert.ok(json.log.length >= 2);

    const missing = await ws.vigil(['activity', 'show', '99999']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no activity with id 99999/);
    assert.match(missing.stderr, /hint: /);
  });
});

describe('vigil start', () => {
  it('runs a set on its schedule and, on SIGTERM, stops it and records it interrupted (retried at the next start, never alerted)', async () => {
    const svc = new Workspace();
    try {
      const startedFile = path.join(svc.dir, 'started');
      const hang = path.join(svc.dir, 'hang.sh');
      writeFileSync(hang, `#!/bin/sh\ntouch ${startedFile}\nexec sleep 300\n`);
      chmodSync(hang, 0o755);
      // Every second (6-field cron), so the test does not wait for a minute boundary.
      svc.write(`dataDir: ./var\nsets:\n  slow: { engine: command, command: [${hang}], schedule: "* * * * * *" }\n`);
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', svc.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // One SIGTERM only: a second signal makes the service exit at once (by design), which a
      // poll that kept signalling during a slow shutdown turned into a flaky 'killed' exit.
      const poll = setInterval(() => {
        if (!existsSync(startedFile)) return;
        clearInterval(poll);
        child.kill('SIGTERM');
      }, 100);
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearInterval(poll);
      clearTimeout(killer);
      assert.equal(code, 0, stderr);

      const rows = JSON.parse((await svc.vigil(['activity', '--json', '--set', 'slow'])).stdout) as Array<{ status: string; trigger: string; firstError: string | null }>;
      const run = rows.find((r) => r.status !== 'skipped');
      assert.ok(run, JSON.stringify(rows));
      assert.equal(run.status, 'interrupted');
      assert.equal(run.trigger, 'schedule');
      assert.match(run.firstError ?? '', /stopped \(SIGTERM\)/);
      assert.ok(rows.every((r) => r.status !== 'running'), 'nothing left running');
    } finally {
      svc.cleanup();
    }
  });
});
