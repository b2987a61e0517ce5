import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigText } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { formatProblem } from '../../src/config/problems.js';

const check = (yaml: string) => checkConfigText(yaml, '/etc/vigil/vigil.yaml');
const errors = (yaml: string) => check(yaml).problems.filter((p) => p.severity === 'error').map(formatProblem);

test('the example that `vigil init` writes is valid, with defaults filled in and frozen', () => {
  const { config, problems } = check(EXAMPLE_CONFIG);
  assert.ok(config, problems.map(formatProblem).join('\n'));
  assert.equal(config.outbox.maxAge, 5 * 86_400_000);
  assert.equal(config.mail.usingSpooler, false);
  assert.equal(config.mail.stuckAfter, 3_600_000);
  assert.ok(Object.isFrozen(config.profiles));
});

test('every problem is reported at once, as file:line: key.path: message', () => {
  const yaml = `dataDir: ./var
mail:
  profile: nowhere
  spooler: true
profiles:
  office:
    method: smtp
    from: "not an address"
    servers:
      - host: smtp.example.com
        port: 70000
        security: ssl
        auth: { user: backup, pass: hunter2-inline }
`;
  const found = errors(yaml);
  const lines = found.join('\n');
  assert.match(lines, /vigil\.yaml:4: mail\.spooler: unknown key/);
  assert.match(lines, /vigil\.yaml:8: profiles\.office\.from: "not an address" is not a valid sender/);
  assert.match(lines, /vigil\.yaml:11: profiles\.office\.servers\.0\.port: port must be between 1 and 65535/);
  assert.match(lines, /vigil\.yaml:12: profiles\.office\.servers\.0\.security: security must be one of starttls, tls, none/);
  assert.match(lines, /vigil\.yaml:13: profiles\.office\.servers\.0\.auth\.pass: must be \{ env: NAME \} or \{ file: PATH \}/);
  assert.ok(!lines.includes('hunter2-inline'), 'an inline secret is never echoed');
  assert.ok(found.length >= 5);
});

test('references between sections are checked: unknown profile, unknown recipient group', () => {
  const yaml = `mail:
  profile: office
profiles:
  local:
    method: maildir
    from: vigil@localhost
    addressBook:
      admins: [root@localhost]
notification:
  admins: [admins, opz]
`;
  const lines = errors(yaml).join('\n');
  assert.match(lines, /:2: mail\.profile: no profile named "office"; defined: local/);
  const second = errors(yaml.replace('profile: office', 'profile: local')).join('\n');
  assert.match(second, /:10: notification\.admins\.1: "opz" is neither an address nor a group/);
});

test('YAML syntax errors and durations name their line', () => {
  assert.match(errors('mail:\n  stuckAfter: soon\n').join('\n'), /:2: mail\.stuckAfter: "soon" is not a duration/);
  assert.match(errors('mail: [\n').join('\n'), /vigil\.yaml:\d+: /);
  assert.match(errors('profiles:\n  a:\n    method: pigeon\n    from: a@b.c\n').join('\n'), /:3: profiles\.a\.method: method must be one of smtp, client, maildir/);
});

test('an empty recipient group and a duplicate key are errors', () => {
  assert.match(errors('profiles:\n  a:\n    method: maildir\n    from: a@b.c\n    addressBook:\n      admins: []\n').join('\n'), /:6: profiles\.a\.addressBook\.admins: a group needs at least one address/);
  assert.match(errors('dataDir: a\ndataDir: b\n').join('\n'), /:2: .*unique/);
});

test('a duration of the wrong type or beyond the maximum (3650d) says so', () => {
  assert.match(errors('mail:\n  stuckAfter: true\n').join('\n'), /:2: mail\.stuckAfter: expected a duration such as 30s, 15m, 1h or 5d, found true/);
  assert.match(errors('mail:\n  stuckAfter: [1h]\n').join('\n'), /:2: mail\.stuckAfter: expected a duration such as 30s, 15m, 1h or 5d, found a list/);
  assert.match(errors('mail:\n  stuckAfter: 99999999999999999999d\n').join('\n'), /:2: mail\.stuckAfter: "99999999999999999999d" is longer than the maximum, 3650d/);
  assert.equal(errors('mail:\n  stuckAfter: 3650d\n').length, 0);
});

test('text under a secret-looking key is never echoed in a type error', () => {
  const lines = errors('profiles:\n  a:\n    method: smtp\n    from: a@b.c\n    servers:\n      - host: h\n        auth: { user: u, pass: { env: [hunter2-secret] } }\n').join('\n');
  assert.ok(!lines.includes('hunter2-secret'), lines);
});

test('a missing key whose schema has its own advice keeps it after "is required"', () => {
  const lines = errors('sets:\n  r:\n    engine: restic\n    paths: [/srv]\n    repository: /backup/restic\n').join('\n');
  assert.match(lines, /:3: sets\.r\.password: is required: must be \{ env: NAME \} or \{ file: PATH \}/);
});
