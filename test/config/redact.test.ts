import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor } from '../../src/config/redact.js';

// Item 18: a token endpoint that echoed the request body put the URL-encoded client secret
// into logs, `outbox show` and the database. Every wire form of a secret is redacted.
const SECRET = 'Pa ss~w/o+rd=8Q~é&x"y';
const USER = 'backup@contoso.com';

const forms: Record<string, string> = {
  raw: SECRET,
  'form-urlencoded (URLSearchParams)': new URLSearchParams({ s: SECRET }).toString().slice(2),
  encodeURIComponent: encodeURIComponent(SECRET),
  'percent-encoding, lowercase hex': encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  base64: Buffer.from(SECRET).toString('base64'),
  'base64 without padding': Buffer.from(SECRET).toString('base64').replace(/=+$/, ''),
  base64url: Buffer.from(SECRET).toString('base64url'),
  'JSON string': JSON.stringify(SECRET).slice(1, -1),
  'AUTH PLAIN (\\0user\\0pass)': Buffer.from(`\u0000${USER}\u0000${SECRET}`).toString('base64'),
  'AUTH PLAIN (user\\0user\\0pass)': Buffer.from(`${USER}\u0000${USER}\u0000${SECRET}`).toString('base64'),
  'AUTH LOGIN (the password alone, base64)': Buffer.from(SECRET).toString('base64'),
  'HTTP Basic (user:pass)': Buffer.from(`${USER}:${SECRET}`).toString('base64'),
};

for (const [name, form] of Object.entries(forms)) {
  test(`a secret is redacted in its ${name} form`, () => {
    const redactor = new Redactor();
    redactor.add(SECRET, USER);
    const out = redactor.redact(`error: invalid_client; body: client_id=x&client_secret=${form}&scope=y`);
    assert.ok(!out.includes(form), out);
    assert.match(out, /client_secret=\*\*\*&scope=y/);
  });
}

test('a rotated token is redacted URL-encoded too, and only the newest two are kept', () => {
  const redactor = new Redactor();
  const tokens = ['tok/en+1=aaaa', 'tok/en+2=bbbb', 'tok/en+3=cccc'];
  for (const token of tokens) redactor.rotate('slot', token);
  assert.equal(redactor.redact(encodeURIComponent(tokens[2]!)), '***');
  assert.equal(redactor.redact(new URLSearchParams({ t: tokens[1]! }).toString()), 't=***');
  assert.equal(redactor.redact(tokens[0]!), tokens[0]);
});

test('the longest form wins: no tail of a secret is left behind', () => {
  const redactor = new Redactor();
  redactor.add('abc');
  redactor.add('abcdef-longer');
  assert.equal(redactor.redact('x abcdef-longer y'), 'x *** y');
});

test('the sets’ own secrets (restic password, builtin passphrase) are redacted too', async () => {
  const { openApp } = await import('../../src/app/context.js');
  const { Workspace } = await import('../helpers/workspace.js');
  const ws = new Workspace(`dataDir: ./var
sets:
  offsite:
    engine: restic
    repository: /srv/restic-repo
    password: { env: TEST_RESTIC_PASSWORD }
    paths: [/srv/data]
  local:
    engine: builtin
    passphrase: { env: TEST_VAULT_PASSPHRASE }
    paths: [/srv/data]
`);
  const app = openApp({ configFile: ws.configFile, env: { TEST_RESTIC_PASSWORD: 'restic pass/word+1', TEST_VAULT_PASSPHRASE: 'vault~passphrase' }, logLevel: 'error' });
  try {
    assert.equal(app.redactor.redact('restic said: wrong password "restic pass/word+1"'), 'restic said: wrong password "***"');
    assert.equal(app.redactor.redact(`passphrase=${encodeURIComponent('vault~passphrase')}`), 'passphrase=***');
  } finally {
    await app.close();
    ws.cleanup();
  }
});
