import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { openApp } from '../../src/app/context.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

// `vigil outbox list | head -1`: the reader leaves after one line. Vigil stops writing and exits
// as a listing that was read in full does, without a stack trace (item 14.5). A real shell pipe,
// and far more output than the pipe holds (64 KiB), so the write after `head` left must fail.

const MESSAGES = 1500;
let ws: Workspace;
before(async () => {
  ws = new Workspace('dataDir: ./var\n');
  const app = openApp({ configFile: ws.configFile, logLevel: 'error' });
  try {
    const request = { kind: 'backup.failed' as const, severity: 'critical' as const, profile: 'local', from: 'vigil@example.com', to: ['ops@example.com'], text: 'x' };
    await app.outbox.enqueueMany(Array.from({ length: MESSAGES }, (_, i) => ({ ...request, subject: `alert number ${i} with a subject long enough to fill the pipe` })));
  } finally {
    await app.close();
  }
});
after(() => ws.cleanup());

function piped(vigilArgs: string[], reader: string): Promise<{ status: string; output: string; stderr: string }> {
  const vigil = [process.execPath, '--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), ...vigilArgs].map((a) => `'${a}'`).join(' ');
  // PIPESTATUS[0] is vigil's own exit status, not head's.
  const child = spawn('bash', ['-c', `${vigil} | ${reader}; echo "vigil exited $\{PIPESTATUS[0]}" >&2`], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', () => {
      clearTimeout(timer);
      const status = /vigil exited (\d+)/.exec(stderr)?.[1] ?? 'unknown';
      resolve({ status, output, stderr: stderr.replace(/vigil exited \d+\n/, '') });
    }),
  );
}

test('`vigil outbox list | head -1` exits 0 without a word on stderr', async () => {
  const table = await piped(['outbox', 'list', '--limit', String(MESSAGES), '--config', ws.configFile], 'head -1');
  assert.match(table.output, /^ID +STATE/);
  assert.equal(table.stderr, '');
  assert.equal(table.status, '0');

  const json = await piped(['outbox', 'list', '--json', '--limit', String(MESSAGES), '--config', ws.configFile], 'head -c 10');
  assert.equal(json.stderr, '');
  assert.equal(json.status, '0');
});
