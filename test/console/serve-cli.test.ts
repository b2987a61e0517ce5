import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { hashSecret } from '../../src/console/password-hash.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

/** Starts `vigil ARGS` and resolves with the console URL it prints (stdout or its log on stderr). */
function serve(ws: Workspace, args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), ...args, '--config', ws.configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no console URL within 60 s:\n${output}`));
    }, 60_000);
    const look = (d: Buffer) => {
      output += d.toString();
      const url = /console (?:\(read-only\) )?at (http:\/\/[^\s]+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, output: () => output });
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.on('close', () => reject(new Error(`vigil exited before serving:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => (clearTimeout(timer), resolve(code)));
    child.kill('SIGTERM');
  });
}

async function workspace(): Promise<Workspace> {
  return new Workspace(`dataDir: ./var
sets:
  docs: { engine: command, command: [/bin/true], schedule: "0 3 * * *" }
console:
  listen: 127.0.0.1:0
  users:
    admin: { passwordHash: "${await hashSecret('console-pass-1')}" }
`);
}

async function loginCookie(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'admin', password: 'console-pass-1' }) });
  assert.equal(res.status, 303);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const page = await (await fetch(`${url}/activity`, { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]*)"/.exec(page)?.[1] ?? '' };
}

test('vigil start serves the console: log in and run a set now; SIGTERM stops both', async () => {
  const ws = await workspace();
  const { child, url } = await serve(ws, ['start']);
  try {
    const { cookie, csrf } = await loginCookie(url);
    assert.ok(csrf, 'the service’s console has forms with a CSRF token');
    const run = await fetch(`${url}/api/v1/sets/docs/run`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    assert.equal(run.status, 200);
    const { id } = (await run.json()) as { id: string };
    let status = 'running';
    for (let i = 0; i < 100 && status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = ((await (await fetch(`${url}/api/v1/runs/${id}`, { headers: { cookie } })).json()) as { activity: { status: string } }).activity.status;
    }
    assert.equal(status, 'completed');
  } finally {
    assert.equal(await stop(child), 0);
    ws.cleanup();
  }
});

test('vigil console is read-only: pages without buttons, every change refused (403); SIGTERM exits 0', async () => {
  const ws = await workspace();
  const { child, url } = await serve(ws, ['console']);
  try {
    const { cookie } = await loginCookie(url);
    const overview = await (await fetch(`${url}/`, { headers: { cookie } })).text();
    assert.match(overview, /Read-only console/);
    assert.doesNotMatch(overview, /Run now/);
    const page = await (await fetch(`${url}/`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]*)"/.exec(page)?.[1] ?? '';
    const run = await fetch(`${url}/api/v1/sets/docs/run`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    assert.equal(run.status, 403);
    assert.equal(((await run.json()) as { code: string }).code, 'read-only');
    const activity = (await (await fetch(`${url}/api/v1/activity`, { headers: { cookie } })).json()) as { activities: unknown[] };
    assert.equal(activity.activities.length, 0, 'nothing ran');
  } finally {
    assert.equal(await stop(child), 0);
    ws.cleanup();
  }
});
