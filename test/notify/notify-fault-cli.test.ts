import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { SmtpPeer, closedPort } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

const workspaces: Workspace[] = [];
const peers: SmtpPeer[] = [];
after(async () => {
  for (const p of peers) await p.stop();
  for (const w of workspaces) w.cleanup();
});

/** Admins and a pager recipient on one profile, pointing at `port`; no service runs. */
function workspace(port: number): Workspace {
  const yaml = smtpConfig({ servers: [{ port }] })
    .replace('      admins: [ops@example.com]\n', '      admins: [ops@example.com]\n      oncall: [5551234@pager.example.com]\n')
    .replace('notification:\n  admins: [admins]\n', 'notification:\n  admins: [admins]\n  pager: [oncall]\n');
  const ws = new Workspace(yaml);
  workspaces.push(ws);
  return ws;
}
async function peer(): Promise<SmtpPeer> {
  const p = await SmtpPeer.start();
  peers.push(p);
  return p;
}

describe('vigil notify fault KIND, without the service', () => {
  test('service-failed reaches the admins and the pager at once, and is recorded in the Outbox', async () => {
    const smtp = await peer();
    const ws = workspace(smtp.port);
    const result = await ws.vigil(['notify', 'fault', 'service-failed', '--detail', 'vigil.service failed: result exit-code, exited 1']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(smtp.received.length, 2);
    const mail = smtp.received.find((m) => m.to.includes('ops@example.com'))!;
    assert.match(mail.parsed.subject ?? '', /FAULT/);
    assert.equal(mail.parsed.headers.get('x-vigil-fault'), 'service-failed');
    assert.match(mail.parsed.text ?? '', /vigil\.service failed: result exit-code, exited 1/);
    assert.ok(smtp.received.some((m) => m.to.includes('5551234@pager.example.com')), 'the pager got its short line');
    assert.match(result.stdout, /✓ service\.fault\.service-failed to ops@example\.com: accepted/);
    const listed = await ws.vigil(['outbox', 'list', '--json']);
    const messages = JSON.parse(listed.stdout) as { kind: string; state: string }[];
    assert.deepEqual(messages.map((m) => `${m.kind} ${m.state}`).sort(), ['pager.service.fault.service-failed sent', 'service.fault.service-failed sent']);
  });

  test('with a data directory that cannot be opened, the alert goes around the Outbox', async () => {
    const smtp = await peer();
    const ws = workspace(smtp.port);
    writeFileSync(ws.dataDir, 'not a directory');
    const result = await ws.vigil(['notify', 'fault', 'service-failed']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /sent around the Outbox \(the database could not be opened/);
    assert.equal(smtp.received.length, 2);
    assert.match(smtp.received[0]!.parsed.text ?? smtp.received[0]!.raw.toString(), /stopped/);
  });

  test('a relay that cannot be reached: exit 1, and the alert stays queued for the service', async () => {
    const ws = workspace(await closedPort());
    const result = await ws.vigil(['notify', 'fault', 'service-failed']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /✗ service\.fault\.service-failed to ops@example\.com: temporary/);
    const listed = JSON.parse((await ws.vigil(['outbox', 'list', '--json'])).stdout) as { state: string }[];
    assert.ok(listed.length === 2 && listed.every((m) => m.state === 'deferred'), JSON.stringify(listed));
  });

  test('an unknown fault is a usage error naming the kinds', async () => {
    const ws = workspace(await closedPort());
    const result = await ws.vigil(['notify', 'fault', 'on-fire']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown fault "on-fire"[\s\S]*hint: KIND is one of .*service-failed/);
  });
});
