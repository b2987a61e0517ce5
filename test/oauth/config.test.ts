import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { expiringCredentials, describeExpiry } from '../../src/config/credential-expiry.js';

const check = (yaml: string) => checkConfigText(yaml, '/etc/vigil/vigil.yaml');
const errors = (yaml: string) => check(yaml).problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n');

const smtp = (auth: string) => `profiles:
  office:
    method: smtp
    from: backup@contoso.com
    servers:
      - host: smtp.office365.com
        auth:
${auth}
`;

test('auth takes a password or oauth2, and says which keys each provider needs', () => {
  assert.match(errors(smtp('          user: backup@contoso.com')), /:8: profiles\.office\.servers\.0\.auth\.pass: missing: give pass: \{ env: NAME \} for a password, or oauth2/);
  assert.match(
    errors(smtp('          user: a@b.c\n          pass: { env: P }\n          oauth2: { provider: microsoft, tenant: t, clientId: c, clientSecret: { env: S } }')),
    /auth\.oauth2: give either pass \(a password\) or oauth2 \(tokens\), not both/,
  );
  assert.match(errors(smtp('          user: a@b.c\n          oauth2: { provider: yahoo }')), /auth\.oauth2\.provider: provider must be one of microsoft, google, generic/);
  assert.match(errors(smtp('          user: a@b.c\n          oauth2: { provider: microsoft, tenant: t, clientId: c, clientSecret: inline-secret }')), /oauth2\.clientSecret: must be \{ env: NAME \} or \{ file: PATH \}/);
  assert.ok(!errors(smtp('          user: a@b.c\n          oauth2: { provider: microsoft, tenant: t, clientId: c, clientSecret: inline-secret }')).includes('inline-secret'));
  assert.match(errors(smtp('          user: a@b.c\n          oauth2: { provider: google, clientId: c }')), /oauth2\.refreshToken: missing: provider google needs clientId, clientSecret and refreshToken/);
  assert.match(errors(smtp('          user: a@b.c\n          oauth2: { provider: generic, scope: x }')), /oauth2\.tokenUrl: missing: provider generic needs tokenUrl/);
  assert.match(
    errors(smtp('          user: a@b.c\n          oauth2: { provider: microsoft, tenant: t, clientId: c, clientSecret: { env: S }, authority: "http://login.example" }')),
    /oauth2\.authority: "http:\/\/login\.example" is not an https:\/\/ URL/,
  );
  assert.match(
    errors(smtp('          user: a@b.c\n          oauth2: { provider: microsoft, tenant: t, clientId: c, clientSecret: { env: S }, secretExpires: next year }')),
    /oauth2\.secretExpires: "next year" is not a date; write it as 2027-06-30/,
  );
  const { config } = check(smtp('          user: a@b.c\n          pass: { env: P }'));
  assert.ok(config, 'the { user, pass } form keeps working');
});

test('method: graph needs mailbox, tenant, clientId, clientSecret', () => {
  const found = errors('profiles:\n  m365:\n    method: graph\n    from: backup@contoso.com\n');
  for (const key of ['mailbox', 'tenant', 'clientId', 'clientSecret']) assert.match(found, new RegExp(`profiles\\.m365\\.${key}:`));
  const { config } = check('profiles:\n  m365:\n    method: graph\n    from: backup@contoso.com\n    mailbox: backup@contoso.com\n    tenant: contoso.onmicrosoft.com\n    clientId: c\n    clientSecret: { file: /etc/vigil/graph.secret }\n');
  assert.ok(config);
  const profile = config.profiles.m365!;
  assert.equal(profile.method === 'graph' && profile.graphUrl, 'https://graph.microsoft.com');
});

test('expiringCredentials: within mail.warnBeforeExpiry (default 14 days), past ones too, nothing else', () => {
  const yaml = (expires: string, warn = '') => `profiles:
  m365:
    method: graph
    from: backup@contoso.com
    mailbox: backup@contoso.com
    tenant: contoso.onmicrosoft.com
    clientId: app-1
    clientSecret: { env: S }
    secretExpires: ${expires}
  office:
    method: smtp
    from: backup@contoso.com
    servers:
      - host: smtp.office365.com
        auth:
          user: backup@contoso.com
          oauth2: { provider: microsoft, tenant: contoso.onmicrosoft.com, clientId: app-2, clientSecret: { env: S2 }, secretExpires: 2027-01-10 }
mail:
  profile: m365
${warn ? `  warnBeforeExpiry: ${warn}\n` : ''}`;
  const now = Date.parse('2027-01-01T12:00:00Z');
  const { config } = check(yaml('2027-03-01'));
  assert.ok(config);
  const found = expiringCredentials(config, now);
  assert.equal(found.length, 1);
  assert.deepEqual(found[0]!.path, ['profiles', 'office', 'servers', 0, 'auth', 'oauth2', 'secretExpires']);
  assert.equal(found[0]!.daysLeft, 9);
  assert.match(describeExpiry(found[0]!), /client secret of app app-2 \(tenant contoso\.onmicrosoft\.com\) of profile office expires on 2027-01-10 \(in 9 day\(s\)\)/);
  const past = expiringCredentials(check(yaml('2026-12-01')).config!, now);
  assert.match(describeExpiry(past.find((c) => c.profile === 'm365')!), /expired on 2026-12-01/);
  assert.deepEqual(expiringCredentials(check(yaml('2027-03-01', '3d')).config!, now), [], '9 days left is not within 3 days');
  assert.equal(expiringCredentials(check(yaml('2027-03-01', '90d')).config!, now).length, 2);
});
