import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { SmtpPeer, closedPort } from '../helpers/smtp-peer.js';
import { smtpConfig, TEST_PASSWORD } from '../helpers/smtp-config.js';
import { REPO_ROOT, Workspace, runVigil } from '../helpers/workspace.js';
import { waitFor } from '../helpers/wait-for.js';

const workspaces: Workspace[] = [];
const peers: SmtpPeer[] = [];
after(async () => {
  for (const p of peers) await p.stop();
  for (const w of workspaces) w.cleanup();
});
function workspace(yaml?: string): Workspace {
  const ws = new Workspace(yaml);
  workspaces.push(ws);
  return ws;
}
const env = { TEST_SMTP_PASS: TEST_PASSWORD };

describe('the vigil command line, as a subprocess', () => {
  test('init → config check → mail test into the embedded Maildir → outbox list/show', async () => {
    const ws = workspace();
    const init = await ws.vigil(['init']);
    assert.equal(init.code, 0, init.stderr);
    const again = await ws.vigil(['init']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists[\s\S]*hint: Use --force/);

    const check = await ws.vigil(['config', 'check']);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /nothing leaves this machine/);

    const sent = await ws.vigil(['mail', 'test']);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /✓ written to .*mailbox\/new\//);

    const list = await ws.vigil(['outbox', 'list', '--json']);
    assert.equal(list.code, 0);
    const [message] = JSON.parse(list.stdout) as Array<{ id: string; state: string; kind: string }>;
    assert.equal(message?.state, 'sent');
    assert.equal(message?.kind, 'mail.test');

    const show = await ws.vigil(['outbox', 'show', message!.id]);
    assert.match(show.stdout, /attempt 1: .* accepted/);
    const missing = await ws.vigil(['outbox', 'show', 'nosuchid']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no message with id nosuchid/);
  });

  test('config check reports every problem with file:line and exits 2', async () => {
    const ws = workspace('mail:\n  profile: office\n  bogus: 1\nprofiles: {}\n');
    const result = await ws.vigil(['config', 'check']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /vigil\.yaml:3: mail\.bogus: unknown key/);
    const json = await ws.vigil(['config', 'check', '--json']);
    assert.equal(JSON.parse(json.stdout).valid, false);
  });

  test('mail test against a real SMTP server: exit 0, the profile becomes verified', async () => {
    const server = await SmtpPeer.start({ auth: { user: 'vigil', pass: TEST_PASSWORD } });
    peers.push(server);
    const ws = workspace(smtpConfig({ servers: [{ port: server.port, auth: true }] }));
    const before = await ws.vigil(['config', 'check'], { env });
    assert.match(before.stdout, /profiles\.office: warning: never verified|profiles\.office: never verified/);
    const result = await ws.vigil(['mail', 'test', '-v'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /✓ accepted by 127\.0\.0\.1:\d+/);
    assert.match(result.stdout, /transcript:[\s\S]*C: MAIL FROM/);
    assert.ok(!result.stdout.includes(TEST_PASSWORD));
    assert.equal(server.received.length, 1);
    assert.match(server.received[0]!.parsed.subject ?? '', /Vigil test message/);
    const afterwards = await ws.vigil(['config', 'check'], { env });
    assert.doesNotMatch(afterwards.stdout, /never verified/);
  });

  test('mail test to a refused port: exit 1 with a hint, and the test message is not retried', async () => {
    const ws = workspace(smtpConfig({ servers: [{ port: await closedPort() }] }));
    const result = await ws.vigil(['mail', 'test'], { env });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /connection refused/);
    assert.match(result.stderr, /hint: Nothing accepts connections/);
    const list = JSON.parse((await ws.vigil(['outbox', 'list', '--json'])).stdout) as Array<{ state: string }>;
    assert.equal(list[0]?.state, 'failed');
  });

  test('outbox deliver, retry and deliver again once the server is back', async () => {
    const port = await closedPort();
    const ws = workspace(smtpConfig({ servers: [{ port }] }));
    const test = await ws.vigil(['mail', 'test'], { env });
    assert.equal(test.code, 1);
    const [failed] = JSON.parse((await ws.vigil(['outbox', 'list', '--json', '--state', 'failed'])).stdout) as Array<{ id: string }>;
    const server = await SmtpPeer.start({ port });
    peers.push(server);
    const retry = await ws.vigil(['outbox', 'retry', failed!.id]);
    assert.equal(retry.code, 0, retry.stderr);
    const deliver = await ws.vigil(['outbox', 'deliver']);
    assert.equal(deliver.code, 0, deliver.stderr);
    assert.match(deliver.stdout, /attempted 1: 1 sent/);
    assert.equal(server.received.length, 1);
    const again = await ws.vigil(['outbox', 'retry', failed!.id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already accepted/);
  });

  test('usage errors exit 2; --help exits 0 and lists exit codes', async () => {
    assert.equal((await runVigil(['frobnicate'])).code, 2);
    const help = await runVigil(['mail', 'test', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit status:[\s\S]*0 {2}the server/);
    const bad = await runVigil(['outbox', 'list', '--state', 'lost', '--config', '/nonexistent/vigil.yaml']);
    assert.equal(bad.code, 2);
    const missing = await runVigil(['outbox', 'list', '--config', '/nonexistent/vigil.yaml']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read configuration[\s\S]*hint: Create one with `vigil init`/);
    assert.doesNotMatch(missing.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  test('vigil start delivers what is queued and stops gracefully on SIGTERM', async () => {
    const server = await SmtpPeer.start();
    peers.push(server);
    const ws = workspace(smtpConfig({ servers: [{ port: server.port }] }));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', ws.configFile], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waitFor(() => stderr.includes('vigil started'), 20_000);
    // Another process enqueues (the CLI's mail test); the service may take it first.
    const test = await ws.vigil(['mail', 'test']);
    assert.equal(test.code, 0, test.stderr);
    assert.equal(server.received.length, 1);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stderr, /stopped/);
  });
});
