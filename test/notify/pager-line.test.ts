import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApp } from '../../src/app/context.js';
import { composePager, pagerText } from '../../src/notify/compose.js';
import type { SystemLog } from '../../src/domain/system-log.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';
import { FakeClock } from '../helpers/fake-clock.js';

// Issue 18 §24: the pager's 160 characters go to the cause, not to the path of the script.

const PAGER = '5551234567@pager.example.com';
const quietSyslog: SystemLog = { async critical() {} };
const PG_ERROR = 'pg_dump: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory';

test('pagerText: "exited with status N" loses the script directory; long paths keep their last two parts', () => {
  assert.equal(pagerText('/opt/backup/scripts/nightly/pg_dump_like.sh exited with status 1: pg_dump: error'), 'pg_dump_like.sh exited 1: pg_dump: error');
  assert.equal(pagerText('cannot lock /srv/data/clients/acme/db.lock'), 'cannot lock …/acme/db.lock');
  assert.equal(pagerText('vault /mnt/vault unreachable'), 'vault /mnt/vault unreachable', 'short paths stay whole');
  assert.equal(pagerText('token from https://login.example.com/a/b/c/token failed'), 'token from https://login.example.com/a/b/c/token failed', 'URLs are left alone');
  // The pager line carries the shortened error; the e-mail keeps it whole.
  const line = composePager('{{set}} FAILED: {{firstError}}', { set: 'db', firstError: '/a/b/c/x.sh exited with status 2' });
  assert.equal(line, 'db FAILED: x.sh exited 2');
});

test('a real command set failing from a deeply nested script: the page names the script and the error, the mail the whole path', async () => {
  const peer = await SmtpPeer.start();
  const ws = new Workspace();
  const scriptDir = path.join(ws.dir, 'opt', 'company', 'backup', 'scripts', 'database');
  mkdirSync(scriptDir, { recursive: true });
  const script = path.join(scriptDir, 'pg_dump_like.sh');
  writeFileSync(script, `#!/bin/sh\necho '${PG_ERROR}' >&2\nexit 1\n`);
  chmodSync(script, 0o755);
  const sets = `sets:\n  db:\n    engine: command\n    command: [${script}]\n`;
  ws.write(
    smtpConfig({ servers: [{ port: peer.port }], extra: sets })
      .replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  pager: [oncall]\n')
      .replace('      admins: [ops@example.com]\n', `      admins: [ops@example.com]\n      oncall: [${PAGER}]\n`),
  );
  const app = openApp({ configFile: ws.configFile, clock: new FakeClock(), logLevel: 'error', systemLog: quietSyslog });
  try {
    await app.runner.run('db', { trigger: 'manual' });
    await app.events.drain();
    await app.dispatcher.runPass();
    const page = peer.received.find((m) => m.to.includes(PAGER))!;
    const line = (page.parsed.text ?? '').trim();
    assert.ok([...line].length <= 160, line);
    assert.match(line, /^vigil-test\.example\.com db FAILED .*: pg_dump_like\.sh exited 1: pg_dump: error: connection to server/, line);
    assert.ok(!line.includes(ws.dir), `no directory of the script: ${line}`);
    const mail = peer.received.find((m) => m.to.includes('ops@example.com'))!;
    assert.ok((mail.parsed.text ?? '').includes(`${script} exited with status 1`), 'the e-mail keeps the whole path');
  } finally {
    await app.close();
    await peer.stop();
    ws.cleanup();
  }
});
