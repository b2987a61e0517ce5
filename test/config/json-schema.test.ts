import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import { configJsonSchema, configJsonSchemaText } from '../../src/config/json-schema.js';
import { checkConfigText } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { formatProblem } from '../../src/config/problems.js';
import { REPO_ROOT, Workspace, runVigil } from '../helpers/workspace.js';

// Item 14.7: vigil.schema.json is generated from the zod schema, checked in, shipped, and named
// by the first line of the vigil.yaml that `vigil init` writes.

const workspaces: Workspace[] = [];
after(() => workspaces.forEach((w) => w.cleanup()));

// ajv 6 (draft 7, the draft yaml-language-server reads) comes with eslint; a JSON Schema
// validator that is not ours checks that the generated file means what zod means.
type Validate = ((data: unknown) => boolean) & { errors?: { dataPath: string; message?: string; params: unknown }[] | null };
const Ajv = createRequire(import.meta.url)('ajv') as new (options: object) => { compile(schema: object): Validate };
const validate = new Ajv({ allErrors: true }).compile(configJsonSchema());

/** The design's example (DESIGN.md §4) with a channel: every kind of profile, set and recipient. */
const FULL = `dataDir: ./var
mail:
  profile: office
  clientsSupported: [msmtp, ssmtp, postfix]
  usingSpooler: false
  stuckAfter: 1h
profiles:
  office:
    method: smtp
    from: "Vigil on fileserver <backup@example.com>"
    servers:
      - host: smtp.example.com
        port: 587
        security: starttls
        auth: { user: backup@example.com, pass: { env: SMTP_PASS } }
    timeoutSeconds: 30
    addressBook:
      admins: [ops@example.com]
      oncall: [5551234567@pager.example.com]
  local:
    method: client
    from: backup@fileserver.example.com
channels:
  phone: { type: ntfy, url: https://ntfy.sh/acme-backups-7f3k, token: { env: NTFY_TOKEN } }
notification:
  admins: [admins, phone]
  pager: [oncall]
  defaults:
    on: [failed, incomplete, completed-with-errors, missed]
    detail: errors
admin:
  daily: "20:00"
  weekly: "fri 20:00"
outbox:
  maxAge: 432000
sets:
  documents:
    engine: builtin
    paths: [/srv/documents]
    schedule: "0 2 * * *"
    notify: { on: [failed, incomplete], to: [admins, alice@example.com], detail: warnings }
  database:
    engine: command
    command: [/usr/local/bin/dump-db.sh]
    schedule: "*/30 * * * *"
`;

describe('vigil.schema.json', () => {
  test('is what the zod schema generates (else: npm run schema, and commit the file)', () => {
    const file = path.join(REPO_ROOT, 'vigil.schema.json');
    const checkedIn = existsSync(file) ? readFileSync(file, 'utf8') : '';
    assert.ok(checkedIn === configJsonSchemaText(), 'vigil.schema.json is out of date with src/config/schema/: run `npm run schema` and commit vigil.schema.json');
  });

  test('is shipped in the package', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
    assert.ok(pkg.files.includes('vigil.schema.json'));
    assert.match(pkg.scripts.schema ?? '', /config schema > vigil\.schema\.json/);
  });

  test('accepts what `vigil config check` accepts: the example `vigil init` writes and the design’s example', () => {
    for (const [name, yaml] of [['example', EXAMPLE_CONFIG], ['design', FULL]] as const) {
      const { config, problems } = checkConfigText(yaml, '/etc/vigil/vigil.yaml');
      assert.ok(config, `${name}: ${problems.map(formatProblem).join('\n')}`);
      assert.ok(validate(parse(yaml)), `${name}: ${JSON.stringify(validate.errors, null, 1)}`);
    }
  });

  test('rejects an unknown key, a value of the wrong type and an unknown engine, as config check does', () => {
    const bad: [string, string][] = [
      ['mail:\n  bogus: 1\n', 'should NOT have additional properties'],
      ['outbox:\n  concurrency: "8"\n', 'should be integer'],
      ['sets:\n  x:\n    engine: tape\n    paths: [/srv]\n', ''],
      ['profiles:\n  p:\n    method: smtp\n    from: a@example.com\n    servers: [{ host: h, port: 70000 }]\n', ''],
    ];
    for (const [yaml, message] of bad) {
      assert.equal(checkConfigText(yaml, '/x/vigil.yaml').config, undefined, yaml);
      assert.equal(validate(parse(yaml)), false, yaml);
      if (message) assert.ok(validate.errors?.some((e) => e.message === message), `${yaml}: ${JSON.stringify(validate.errors)}`);
    }
  });

  test('`vigil config schema` prints it; `vigil init` names it on its first line, for yaml-language-server', async () => {
    const printed = await runVigil(['config', 'schema']);
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout, configJsonSchemaText());

    const ws = new Workspace();
    workspaces.push(ws);
    const init = await ws.vigil(['init']);
    assert.equal(init.code, 0, init.stderr);
    const [first] = readFileSync(ws.configFile, 'utf8').split('\n');
    const named = /^# yaml-language-server: \$schema=(\/.+)$/.exec(first ?? '')?.[1];
    assert.ok(named, first);
    assert.equal(readFileSync(named, 'utf8'), configJsonSchemaText());
    const check = await ws.vigil(['config', 'check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
  });
});
