import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/workspace.js';
import { waitForText } from '../helpers/wait-for.js';

// A real process, really signalled. Each `{ timeout }` is the bound on a hang, not a timing.
const BOUND = { timeout: 60_000 };
const FIXTURE = path.join(REPO_ROOT, 'test/platform/fixtures/stop-signal-child.ts');

function start(mode: 'hold' | 'finish' | 'disposed') {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const killer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  void ended.then(() => clearTimeout(killer));
  return { child, ended, output: () => out };
}

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`the first ${signal} begins the stop; a second one while it is under way exits ${status}`, BOUND, async () => {
    const p = start('hold');
    await waitForText(p.output, /^ready 1 1$/m);
    p.child.kill(signal);
    await waitForText(p.output, new RegExp(`^stopping ${signal}$`, 'm'));
    p.child.kill(signal);
    assert.deepEqual(await p.ended, { code: status, signal: null });
    assert.equal(p.output().match(/stopping/g)?.length, 1, 'onStop is called once');
    assert.match(p.output(), new RegExp(`^forced by ${signal}$`, 'm'), 'onForce says why first');
  });
}

test('SIGINT then SIGTERM: the second signal of either kind forces the exit, with its own status', BOUND, async () => {
  const p = start('hold');
  await waitForText(p.output, /^ready/m);
  p.child.kill('SIGINT');
  await waitForText(p.output, /^stopping SIGINT$/m);
  p.child.kill('SIGTERM');
  assert.deepEqual(await p.ended, { code: 143, signal: null });
});

test('the disposer removes both listeners: a stop that finished lets the process end by itself', BOUND, async () => {
  const p = start('finish');
  await waitForText(p.output, /^ready/m);
  p.child.kill('SIGTERM');
  assert.deepEqual(await p.ended, { code: 0, signal: null });
});

test('once disposed, a signal has its default effect again (nothing swallows it)', BOUND, async () => {
  const p = start('disposed');
  await waitForText(p.output, /^ready 0 0$/m);
  p.child.kill('SIGTERM');
  assert.deepEqual(await p.ended, { code: null, signal: 'SIGTERM' });
  assert.doesNotMatch(p.output(), /stopping/);
});
