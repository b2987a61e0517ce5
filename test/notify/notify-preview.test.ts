import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Workspace, type CliResult } from '../helpers/workspace.js';

const YAML = `dataDir: ./var
hostname: fileserver.example.com
profiles:
  office:
    method: smtp
    from: backup@example.com
    servers: [{ host: smtp.example.com, port: 587 }]
    addressBook: { admins: [ops@example.com], oncall: [555@pager.example.com] }
notification: { admins: [admins], pager: [oncall], templates: ./tpl }
sets:
  docs:
    engine: command
    command: [/bin/true]
    notify: { subject: "Backup {{set}} says {{status}}" }
  database: { engine: command, command: [/bin/true] }
`;

/** One CLI process at a time: eight at once under a fixed kill deadline failed on a loaded machine. */
async function inTurn<T extends string[][]>(ws: Workspace, commands: [...T]): Promise<{ [K in keyof T]: CliResult }> {
  const results: CliResult[] = [];
  for (const args of commands) results.push(await ws.vigil(args));
  return results as { [K in keyof T]: CliResult };
}

test('vigil notify preview: every kind renders with the configured templates; --json, --html; errors exit 2 or 1', async () => {
  const ws = new Workspace(YAML);
  try {
    mkdirSync(path.join(ws.dir, 'tpl'));
    writeFileSync(path.join(ws.dir, 'tpl', 'pager-storm.txt'), 'STORM {{count}} {{statuses}}\n');
    const htmlFile = path.join(ws.dir, 'alert.html');
    const [alert, recovery, pager, storm, escalation, fault, json, html, silent, back] = await inTurn(ws, [
      ['notify', 'preview', 'backup-alert'],
      ['notify', 'preview', 'backup-recovery', '--set', 'database'],
      ['notify', 'preview', 'pager'],
      ['notify', 'preview', 'storm'],
      ['notify', 'preview', 'escalation'],
      ['notify', 'preview', 'service-fault'],
      ['notify', 'preview', 'storm', '--json'],
      ['notify', 'preview', 'backup-alert', '--html', htmlFile],
      ['notify', 'preview', 'host-silent'],
      ['notify', 'preview', 'host-recovered'],
    ]);
    for (const r of [alert, recovery, pager, storm, escalation, fault, json, html, silent, back]) assert.equal(r.code, 0, r.stderr);
    assert.match(silent!.stdout, /^Subject: \[Vigil\] HOST SILENT: web02 not seen since .*\n[\s\S]*Reported by fileserver\.example\.com, the fleet's leader[\s\S]*--- pager \(\d+ chars\) ---\nweb02 SILENT since /);
    assert.match(back!.stdout, /^Subject: \[Vigil\] web02 is back \(silent since [\s\S]*--- pager \(\d+ chars\) ---\nweb02 BACK at /);
    assert.match(alert.stdout, /^Subject: Backup docs says failed\n/, 'the set’s subject override is used');
    assert.match(alert.stdout, /--- pager \(\d+ chars\) ---\nfileserver\.example\.com docs FAILED /);
    assert.match(recovery.stdout, /^Subject: \[Vigil\] database recovered: completed on fileserver\.example\.com/);
    assert.match(pager.stdout, /^Subject: fileserver\.example\.com docs FAILED .*: vault \/mnt\/vault unreachable/);
    assert.match(storm.stdout, /^Subject: \[Vigil\] 4 sets failed on fileserver\.example\.com: vault/);
    assert.match(storm.stdout, /--- pager \(\d+ chars\) ---\nSTORM 4 failed\n/, 'the override of pager-storm.txt is used');
    assert.match(escalation.stdout, /\nCould not deliver: Backup docs says failed \(.*, profile office paused: 535 5\.7\.8/);
    assert.match(fault.stdout, /^Subject: \[Vigil\] FAULT on fileserver\.example\.com: backup vault unreachable/);
    const parsed = JSON.parse(json.stdout) as { kind: string; subject: string; html: string; pager: string };
    assert.equal(parsed.kind, 'storm');
    assert.match(parsed.html, /<!DOCTYPE html>/);
    assert.equal(parsed.pager, 'STORM 4 failed');
    const written = readFileSync(htmlFile, 'utf8');
    assert.ok(written.includes('mount &#60;nas:/backup&#62; timed out') && !written.includes('<nas:'), 'error text is escaped in HTML');

    writeFileSync(path.join(ws.dir, 'tpl', 'backup-alert.subject.txt'), 'X {{nosuch}}\n');
    const [unknownKind, unknownSet, broken, htmlless] = await inTurn(ws, [
      ['notify', 'preview', 'fax'],
      ['notify', 'preview', 'pager', '--set', 'nope'],
      ['notify', 'preview', 'backup-alert', '--set', 'database'],
      ['notify', 'preview', 'pager', '--html', htmlFile],
    ]);
    assert.equal(unknownKind.code, 2);
    assert.match(unknownKind.stderr, /unknown notification kind "fax".*\n.*Kinds: backup-alert, backup-recovery, pager, storm, escalation, service-fault, host-silent, host-recovered/);
    assert.equal(unknownSet.code, 2);
    assert.match(unknownSet.stderr, /--set nope: no backup set of that name/);
    assert.equal(broken.code, 1, broken.stdout);
    assert.match(broken.stderr, /template for backup-alert: unknown variable \{\{nosuch\}\}/);
    assert.equal(htmlless.code, 2);
  } finally {
    ws.cleanup();
  }
});
