import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';
import { waitForText } from '../helpers/wait-for.js';

const CONFIG = `dataDir: ./var
mail: { profile: local }
profiles:
  local:
    method: maildir
    from: "Vigil <vigil@localhost>"
    addressBook: { admins: [root@localhost] }
notification: { admins: [admins] }
sets: {}
`;

interface Service {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

function startService(ws: Workspace): Service {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // A deadline, so a test that goes wrong does not leave a service behind.
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void exited.then(() => clearTimeout(killer));
  return { child, stderr: () => stderr, exited };
}

describe('vigil start: one service per data directory', () => {
  it('a second service exits 2 naming the first one’s pid; after a SIGKILL of the first, a new one takes over', { timeout: 120_000 }, async () => {
    const ws = new Workspace(CONFIG);
    const first = startService(ws);
    let third: Service | undefined;
    try {
      await waitForText(first.stderr, /vigil started/);
      const second = await ws.vigil(['start'], { timeoutMs: 30_000 });
      assert.equal(second.code, 2, second.stderr);
      assert.match(second.stderr, new RegExp(`pid ${first.child.pid}\\b`));
      assert.match(second.stderr, new RegExp(ws.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.doesNotMatch(second.stderr, /internal error|at .*\.ts:\d+/);

      // The lock dies with its process: no stale lock to remove by hand.
      first.child.kill('SIGKILL');
      await first.exited;
      third = startService(ws);
      await waitForText(third.stderr, /vigil started/);
      third.child.kill('SIGTERM');
      assert.equal(await third.exited, 0, third.stderr());
    } finally {
      first.child.kill('SIGKILL');
      third?.child.kill('SIGKILL');
      ws.cleanup();
    }
  });
});
