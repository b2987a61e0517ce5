import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../helpers/workspace.js';

const workspaces: Workspace[] = [];
after(() => {
  for (const w of workspaces) w.cleanup();
});
function workspace(yaml: string): Workspace {
  const ws = new Workspace(yaml);
  workspaces.push(ws);
  return ws;
}
const NOT_SYSTEMD = { INVOCATION_ID: '', NOTIFY_SOCKET: '' };

describe('config check of a relative dataDir, as the service', () => {
  test('warned when run by systemd (INVOCATION_ID) or with --service, with file:line', async () => {
    const ws = workspace('# vigil\ndataDir: ./var\n');
    for (const [args, env] of [[['config', 'check'], { ...NOT_SYSTEMD, INVOCATION_ID: '0f3c9a' }], [['config', 'check', '--service'], NOT_SYSTEMD]] as const) {
      const result = await ws.vigil([...args], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /vigil\.yaml:2: warning: dataDir: "\.\/var" is relative: .*ProtectSystem=strict.*absolute path such as \/var\/lib\/vigil/);
    }
  });

  test('not warned for an interactive check, nor for an absolute dataDir', async () => {
    const relative = await workspace('dataDir: ./var\n').vigil(['config', 'check'], { env: NOT_SYSTEMD });
    assert.equal(relative.code, 0, relative.stderr);
    assert.doesNotMatch(relative.stdout, /is relative/);
    const ws = workspace('dataDir: /var/lib/vigil-test-absent\n');
    const absolute = await ws.vigil(['config', 'check', '--service'], { env: NOT_SYSTEMD });
    assert.doesNotMatch(absolute.stdout, /is relative/);
  });
});
