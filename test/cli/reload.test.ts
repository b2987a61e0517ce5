import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';
import { waitForText } from '../helpers/wait-for.js';

const BASE = `dataDir: ./var
mail: { profile: local }
profiles:
  local:
    method: maildir
    from: "Vigil <vigil@localhost>"
    addressBook: { admins: [root@localhost] }
notification: { admins: [admins] }
`;

/** The messages delivered, with quoted-printable soft line breaks undone so a sentence can be matched. */
function mailbox(ws: Workspace): string {
  const dir = path.join(ws.dataDir, 'mailbox', 'new');
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .map((f) => readFileSync(path.join(dir, f), 'utf8').replace(/=\r?\n/g, ''))
    .join('\n');
}

describe('vigil start: SIGHUP reloads vigil.yaml', () => {
  it('a broken file keeps the old configuration and alerts; a good one takes effect; SIGTERM still stops', { timeout: 120_000 }, async () => {
    const ws = new Workspace(`${BASE}sets: {}\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    try {
      await waitForText(() => stderr, /vigil started/);

      ws.write(`${BASE}sets:\n  docs: { engine: tape-drive, paths: [/srv] }\n`);
      child.kill('SIGHUP');
      await waitForText(() => stderr, /reload: .*problem/);
      // The alert is a critical service fault, delivered through the profile of the old configuration.
      await waitForText(() => mailbox(ws), /configuration error/i);
      assert.match(mailbox(ws), /sets\.docs\.engine/);
      assert.match(mailbox(ws), /keeps running on the previous configuration/);
      assert.doesNotMatch(stderr, /configuration reloaded/);

      // Every second (6-field cron): the new set runs without waiting for a minute boundary.
      ws.write(`${BASE}sets:\n  tick: { engine: command, command: ["true"], schedule: "* * * * * *" }\n`);
      child.kill('SIGHUP');
      await waitForText(() => stderr, /configuration reloaded/);
      await waitForText(() => stderr, /backup tick: completed/);

      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      assert.match(stderr, /stopped/);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
      ws.cleanup();
    }
  });
});
