import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from '../helpers/workspace.js';

/**
 * A value of the wrong type is reported as what was expected and what was found, at its line —
 * never as "is required" (which sends the user looking for a key that is there).
 */
const ws = new Workspace();
after(() => ws.cleanup());

const base = (server: string, extra = '', mail = '') => `mail:
  profile: office${mail}
profiles:
  office:
    method: smtp
    from: backup@example.com${extra}
    servers:
      - host: smtp.example.com
${server}
`;

async function check(yaml: string): Promise<{ code: number | null; stderr: string }> {
  ws.write(yaml);
  const { code, stdout, stderr } = await ws.vigil(['config', 'check']);
  return { code, stderr: stderr + stdout };
}

describe('vigil config check: wrong types say what was expected and what was found', () => {
  it('port: abc', async () => {
    const { code, stderr } = await check(base('        port: abc'));
    assert.equal(code, 2);
    assert.match(stderr, /vigil\.yaml:9: profiles\.office\.servers\.0\.port: expected a number \(1–65535\), found the text "abc"/);
    assert.doesNotMatch(stderr, /is required/);
  });

  it('port: "2620" (a quoted number)', async () => {
    const { code, stderr } = await check(base('        port: "2620"'));
    assert.equal(code, 2);
    assert.match(stderr, /vigil\.yaml:9: profiles\.office\.servers\.0\.port: expected a number \(1–65535\), found the text "2620"; write it without quotes: 2620/);
    assert.doesNotMatch(stderr, /is required/);
  });

  it('timeoutSeconds: "30s"', async () => {
    const { code, stderr } = await check(base('', '\n    timeoutSeconds: "30s"'));
    assert.equal(code, 2);
    assert.match(stderr, /vigil\.yaml:7: profiles\.office\.timeoutSeconds: expected a number \(at most 3600\), found the text "30s"; timeoutSeconds is a number of seconds, e\.g\. 30/);
    assert.doesNotMatch(stderr, /is required/);
  });

  it('usingSpooler: "yes"', async () => {
    const { code, stderr } = await check(base('', '', '\n  usingSpooler: "yes"'));
    assert.equal(code, 2);
    assert.match(stderr, /vigil\.yaml:3: mail\.usingSpooler: expected true or false, found the text "yes"; write true or false without quotes/);
    assert.doesNotMatch(stderr, /is required/);
  });

  it('a missing key is still "is required"; a number out of range states the limit', async () => {
    const missing = await check('profiles:\n  office:\n    method: smtp\n    servers: [{ host: a }]\n');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /vigil\.yaml:3: profiles\.office\.from: is required/);
    const big = await check(base('', '\n    timeoutSeconds: 5000'));
    assert.match(big.stderr, /vigil\.yaml:7: profiles\.office\.timeoutSeconds: must be at most 3600, found 5000/);
  });
});
