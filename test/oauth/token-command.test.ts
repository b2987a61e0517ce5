import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeClock } from '../helpers/fake-clock.js';
import { TokenCommand } from '../../src/transports/oauth/token-command.js';
import { TokenError, type TokenProvider } from '../../src/transports/oauth/access-token.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-token-command-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const never = new AbortController().signal;

async function refusal(provider: TokenProvider): Promise<TokenError> {
  const error = await provider.fetch(never).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof TokenError, `expected a TokenError, got ${String(error)}`);
  return error;
}

describe('token command', () => {
  const script = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const command = (argv: string[], timeoutMs = 5000) => new TokenCommand({ argv, lifetimeMs: 300_000, timeoutMs, clock: new FakeClock() });

  test('a bare token or JSON with expires_in', async () => {
    assert.equal((await command([script('bare.sh', 'echo tok-123')]).fetch(never)).token, 'tok-123');
    const json = await command([script('json.sh', 'echo \'{"access_token":"tok-456","expires_in":600}\'')]).fetch(never);
    assert.equal(json.token, 'tok-456');
    assert.equal(json.expiresAt - json.obtainedAt, 600_000);
  });

  test('a hanging command is stopped at its deadline (temporary); a failing one needs a person', async () => {
    const hung = await refusal(command([script('hang.sh', 'sleep 30')], 300));
    assert.equal(hung.kind, 'temporary');
    assert.match(hung.message, /did not finish/);
    const failed = await refusal(command([script('fail.sh', 'echo "no credentials cached" >&2; exit 1')]));
    assert.equal(failed.kind, 'credentials');
    assert.match(failed.message, /exit 1\): no credentials cached/);
    assert.equal((await refusal(command([script('tempfail.sh', 'exit 75')]))).kind, 'temporary');
    assert.equal((await refusal(command([path.join(dir, 'missing')]))).kind, 'credentials');
    assert.equal((await refusal(command([script('silent.sh', 'true')]))).providerCode, 'no-token');
  });

  test('a token or secret the command echoes on stderr is not carried into the error', async () => {
    const failed = await refusal(command([script('leaky.sh', 'echo "refresh failed for ya29.a0AfH6SMBx3k9Lq2Zr8VvN0pQ-client_secret (see /var/log/token-helper.log)" >&2; exit 1')]));
    assert.doesNotMatch(failed.message, /ya29|a0AfH6SMBx3k9Lq2Zr8VvN0pQ/);
    assert.match(failed.message, /exit 1\): refresh failed for \*\*\* \(see \/var\/log\/token-helper\.log\)/);
  });

  test('a descendant that daemonises and keeps the pipes open does not hold the fetch', { timeout: 20_000 }, async () => {
    const pidFile = path.join(dir, 'daemon.pid');
    // The daemon leaves the process group (setsid), so the deadline's group kill cannot reach it.
    const file = script('daemonises.sh', `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 600' &\nsleep 600`);
    try {
      const hung = await refusal(command([file], 300));
      assert.equal(hung.kind, 'temporary');
      assert.match(hung.message, /did not finish/);
    } finally {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // not started
      }
    }
  });
});
