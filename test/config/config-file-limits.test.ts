import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runVigil, Workspace } from '../helpers/workspace.js';

/**
 * `--config` is read before anything else, so it must not be able to hang or exhaust the
 * process: a FIFO, a device, a huge file or a YAML alias bomb is refused with exit 2 and a clear
 * message. Each child has a deadline: a regression fails (killed by signal) instead of hanging.
 */
const ws = new Workspace();
after(() => ws.cleanup());
const DEADLINE_MS = 30_000;

const run = (args: string[], config: string) => runVigil([...args, '--config', config], { timeoutMs: DEADLINE_MS });

describe('--config that is not a small regular file', () => {
  it('a FIFO is refused at once (no writer: it used to block for ever)', async () => {
    const fifo = path.join(ws.dir, 'vigil.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const args of [['config', 'check'], ['activity']]) {
      const result = await run(args, fifo);
      assert.equal(result.signal, null, `vigil ${args.join(' ')} hung on the FIFO and was killed`);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /vigil\.fifo is not a regular file \(a FIFO\)/);
      assert.match(result.stderr, /ERR_CONFIG_FILE|regular file/);
    }
  });

  it('/dev/zero is refused, not read until memory runs out', async () => {
    const result = await run(['config', 'check'], '/dev/zero');
    assert.equal(result.signal, null, 'killed at the deadline');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /\/dev\/zero is not a regular file \(a character device\)/);
  });

  it('a file over 1 MiB is refused', async () => {
    const big = path.join(ws.dir, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(1024 * 1024)}\ndataDir: ./var\n`);
    for (const args of [['config', 'check'], ['activity']]) {
      const result = await run(args, big);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /big\.yaml is larger than 1 MiB \(1\.0 MiB\)|big\.yaml is \d[\d.]* \w+B, larger than the 1 MiB a configuration may be/);
    }
  });

  it('a YAML alias bomb is a configuration error (exit 2), not an internal error', async () => {
    const bomb = path.join(ws.dir, 'bomb.yaml');
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    writeFileSync(bomb, lines.join('\n') + '\n');
    for (const args of [['config', 'check'], ['activity']]) {
      const result = await run(args, bomb);
      assert.equal(result.signal, null, 'killed at the deadline');
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /bomb\.yaml:\d+: too many YAML aliases/);
      assert.doesNotMatch(result.stderr, /internal error/);
    }
  });

  it('a few aliases (a shared recipient list) are still fine', async () => {
    const ok = path.join(ws.dir, 'aliases.yaml');
    writeFileSync(ok, 'dataDir: ./var\nnotification:\n  admins: &ops [ops@example.com]\n  pager: *ops\n');
    const result = await run(['config', 'check'], ok);
    assert.equal(result.code, 0, result.stderr);
  });
});
