import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';
import { waitFor } from '../helpers/wait-for.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// `vigil verify` of a restic set whose "restic" hangs (the set's `program:`), so the command is
// surely mid-operation when the signal comes. The deadline is a bound on a hang, not a timing.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`vigil verify stopped by ${signal}: the program is stopped, the activity is recorded incomplete, exit 1`, { timeout: 120_000 }, async () => {
    const ws = new Workspace();
    const pidFile = path.join(ws.dir, 'restic.pid');
    const fakeRestic = path.join(ws.dir, 'hung-restic.sh');
    writeFileSync(fakeRestic, `#!/bin/sh\necho $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}\nexec sleep 300\n`);
    chmodSync(fakeRestic, 0o755);
    writeFileSync(path.join(ws.dir, 'restic.pass'), 'correct horse\n');
    ws.write(`dataDir: ./var
sets:
  offsite: { engine: restic, program: ${fakeRestic}, repository: ${path.join(ws.dir, 'repo')}, password: { file: ${path.join(ws.dir, 'restic.pass')} }, paths: [${ws.dir}] }
`);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'verify', 'offsite', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, sig) => resolve({ code, signal: sig })));
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    let programPid: number | undefined;
    try {
      await waitFor(() => existsSync(pidFile), { timeoutMs: 60_000, what: 'the restic program to start' });
      programPid = Number(readFileSync(pidFile, 'utf8'));
      child.kill(signal);
      const ended = await exited;
      assert.deepEqual(ended, { code: 1, signal: null }, `stopped cleanly, not killed by the signal:\n${out}`);
      assert.match(out, /verify of offsite: incomplete \(activity \d+\)/, out);
      await waitFor(() => !isAlive(programPid!), { timeoutMs: 30_000, what: 'the restic program to be stopped with the command' });
      const rows = JSON.parse((await ws.vigil(['activity', '--json', '--kind', 'validation'])).stdout) as Array<{ status: string }>;
      assert.deepEqual(rows.map((r) => r.status), ['incomplete']);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
      if (programPid && isAlive(programPid)) process.kill(programPid, 'SIGKILL');
      ws.cleanup();
    }
  });
}
