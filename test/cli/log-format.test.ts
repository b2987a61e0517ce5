import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { createStderrLogger } from '../../src/app/logger.js';
import { Redactor } from '../../src/config/redact.js';
import { REPO_ROOT, Workspace } from '../helpers/workspace.js';

// Item 14.6: under systemd (JOURNAL_STREAM names our stderr) every log line starts with its
// sd-daemon(3) priority and carries no timestamp of its own; --log-format json writes one object
// per line; secrets are redacted in every format.

const workspaces: Workspace[] = [];
after(() => workspaces.forEach((w) => w.cleanup()));

/** A set whose source is missing: `vigil run` logs one warning ("nobody to notify"). */
function failingSet(): Workspace {
  const ws = new Workspace();
  ws.write(`dataDir: ./var\nsets:\n  docs:\n    engine: builtin\n    paths: [${path.join(ws.dir, 'missing')}]\n`);
  workspaces.push(ws);
  return ws;
}

/**
 * Runs the real CLI with stderr written to a file, as systemd connects it to the journal's
 * socket; `journal: true` sets JOURNAL_STREAM to that file's device:inode.
 */
async function runWithStderrFile(ws: Workspace, args: string[], options: { journal?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stderr: string }> {
  const file = path.join(ws.dir, `stderr-${workspaces.length}-${Math.random().toString(36).slice(2)}.log`);
  const fd = openSync(file, 'w');
  const stat = fstatSync(fd);
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.JOURNAL_STREAM;
  delete env.VIGIL_LOG_FORMAT;
  if (options.journal) env.JOURNAL_STREAM = `${stat.dev}:${stat.ino}`;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), ...args, '--config', ws.configFile], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  clearTimeout(timer);
  return { code, stderr: readFileSync(file, 'utf8') };
}

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/;

describe('log lines follow the service manager', () => {
  test('stderr is the journal: a warning is `<4>message` with no timestamp of its own', async () => {
    const { code, stderr } = await runWithStderrFile(failingSet(), ['run', 'docs', '--wait', '1s'], { journal: true });
    assert.equal(code, 1, stderr);
    const line = stderr.split('\n').find((l) => l.includes('nobody to notify'));
    assert.ok(line, stderr);
    assert.match(line, /^<4>backup docs failed: nobody to notify .* \{"set":"docs"\}$/);
    assert.doesNotMatch(line, ISO_TIME);
  });

  test('JOURNAL_STREAM inherited but stderr is elsewhere: plain text lines, as before', async () => {
    const ws = failingSet();
    const { stderr } = await runWithStderrFile(ws, ['run', 'docs', '--wait', '1s'], { env: { JOURNAL_STREAM: '8:12345' } });
    const line = stderr.split('\n').find((l) => l.includes('nobody to notify'));
    assert.match(line ?? stderr, /^\d{4}-\d\d-\d\dT\S+Z warn  backup docs failed: nobody to notify/);
  });

  test('--log-format json: one object per line with time, level, message and fields, under the journal too', async () => {
    const { code, stderr } = await runWithStderrFile(failingSet(), ['run', 'docs', '--wait', '1s', '--log-format', 'json'], { journal: true });
    assert.equal(code, 1, stderr);
    const entries = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { time: string; level: string; message: string; fields: Record<string, unknown> });
    const warning = entries.find((e) => e.message.includes('nobody to notify'));
    assert.ok(warning, stderr);
    assert.equal(warning.level, 'warn');
    assert.match(warning.time, ISO_TIME);
    assert.deepEqual(warning.fields, { set: 'docs' });
  });

  test('VIGIL_LOG_FORMAT chooses the format as --log-format does; an unknown one is a usage error naming it', async () => {
    const ws = failingSet();
    const chosen = await runWithStderrFile(ws, ['run', 'docs', '--wait', '1s'], { env: { VIGIL_LOG_FORMAT: 'journal' } });
    assert.match(chosen.stderr, /^<4>backup docs failed/m);
    const wrong = await runWithStderrFile(ws, ['config', 'check', '--log-format', 'yaml']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--log-format yaml: unknown log format; use one of auto, text, journal, json/);
  });
});

describe('every format redacts secrets', () => {
  const secret = 'pa"ss\\word-42';
  for (const format of ['text', 'journal', 'json'] as const) {
    test(`${format}: a secret in the message, a field, a nested field or an Error never appears`, () => {
      const redactor = new Redactor();
      redactor.add(secret);
      const sink = new PassThrough();
      let written = '';
      sink.on('data', (d: Buffer) => (written += d.toString()));
      const log = createStderrLogger({ format, stream: sink, level: 'debug', redact: (t) => redactor.redact(t) });
      log.error(`login with ${secret} refused\nsecond line`, { pass: secret, nested: { list: [secret] }, error: new Error(`bad ${secret}`) });
      for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) assert.ok(!written.includes(form), `${format} leaked ${form}: ${written}`);
      assert.match(written, /\*\*\*/);
      if (format === 'json') {
        const entry = JSON.parse(written) as { level: string; message: string; fields: Record<string, unknown> };
        assert.equal(entry.level, 'error');
        assert.deepEqual(entry.fields, { pass: '***', nested: { list: ['***'] }, error: 'bad ***' });
      }
      // Every line of a multi-line message keeps its priority in the journal.
      if (format === 'journal') assert.deepEqual(written.split('\n').filter(Boolean).map((l) => l.slice(0, 3)), ['<3>', '<3>']);
    });
  }
});
