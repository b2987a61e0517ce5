import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

// Issue 18 §4: a hostname that would void every alert's headers is refused where it is written.
test('config check rejects a NUL, CR or LF in hostname: file:line, the key, the value escaped, what to do', async () => {
  for (const [written, shown] of [
    ['fileserver\\0.example.com', '"fileserver\\u0000.example.com"'],
    ['fileserver\\r\\nBcc: x@example.com', '"fileserver\\r\\nBcc: x@example.com"'],
  ] as const) {
    const ws = new Workspace(smtpConfig({ servers: [{ port: 25 }] }).replace('hostname: vigil-test.example.com', `hostname: "${written}"`));
    try {
      const result = await ws.vigil(['config', 'check']);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      const out = result.stdout + result.stderr;
      assert.ok(out.includes(`vigil.yaml:2: hostname: ${shown} contains a control character`), out);
      assert.match(out, /write the host name alone/);
      assert.doesNotMatch(out, /\u0000|\r/, 'the value is shown escaped, not raw');
    } finally {
      ws.cleanup();
    }
  }
});
