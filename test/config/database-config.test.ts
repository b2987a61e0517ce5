import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkConfigText } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { databaseConnection } from '../../src/app/database-connection.js';

const check = (yaml: string) => checkConfigText(yaml, '/etc/vigil/vigil.yaml');
const errors = (yaml: string) => check(yaml).problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n');
const withUrl = (url: string) => `database:\n  url: ${url}\n`;

test('database.url: a PostgreSQL URL with a role, a host and a database is accepted; absent, the store is SQLite', () => {
  assert.equal(errors(withUrl('postgres://vigil@db.example.com:5432/vigil')), '');
  assert.equal(errors(withUrl('postgresql://vigil@%2Frun%2Fpostgresql/vigil')), '');
  assert.equal(check('dataDir: ./var\n').config?.database, undefined);
});

test('database.url: each mistake is named at its line, with the shape to write', () => {
  assert.match(errors(withUrl('mysql://vigil@db/vigil')), /vigil\.yaml:2: database\.url: "mysql:\/\/vigil@db\/vigil" is not a PostgreSQL URL; write postgres:\/\/USER@HOST:5432\/DATABASE/);
  assert.match(errors(withUrl('not a url')), /database\.url: "not a url" is not a URL/);
  assert.match(errors(withUrl('postgres://db.example.com/vigil')), /database\.url: .* names no role/);
  assert.match(errors(withUrl('postgres://vigil@db.example.com')), /database\.url: .* names no database/);
  assert.match(errors(withUrl('postgres://vigil@db.example.com/vigil?sslmode=disable')), /the parameter "sslmode" is not read; TLS is set with database\.tls/);
  assert.match(errors('database:\n  url: postgres://vigil@db/vigil\n  password: hunter2\n'), /vigil\.yaml:3: database\.password: must be \{ env: NAME \} or \{ file: PATH \}/);
});

test('database.url: a password written in the URL is refused, and not echoed', () => {
  const found = errors(withUrl('postgres://vigil:hunter2-inline@db.example.com/vigil'));
  assert.match(found, /database\.url: "postgres:\/\/vigil:\*\*\*@db\.example\.com\/vigil" has a password in it: .* set database\.password: \{ env: NAME \}/);
  assert.ok(!found.includes('hunter2-inline'), found);
});

test('database TLS: verify-full for a host on the network; none required on loopback or a unix socket', () => {
  const remote = databaseConnection({ url: 'postgres://vigil@db.example.com/vigil' }, '/');
  assert.deepEqual(remote.ssl, { rejectUnauthorized: true });
  assert.equal(databaseConnection({ url: 'postgres://vigil@127.0.0.1:5432/vigil' }, '/').ssl, undefined);
  assert.equal(databaseConnection({ url: 'postgres://vigil@[::1]:5432/vigil' }, '/').ssl, undefined);
  assert.equal(databaseConnection({ url: 'postgres://vigil@localhost/vigil' }, '/').ssl, undefined);
  assert.equal(databaseConnection({ url: 'postgres://vigil@%2Frun%2Fpostgresql/vigil' }, '/').ssl, undefined);
  assert.equal(databaseConnection({ url: 'postgres://vigil@localhost/vigil?host=/run/postgresql' }, '/').ssl, undefined);
  assert.equal(databaseConnection({ url: 'postgres://vigil@db.example.com/vigil', tls: { insecure: true } }, '/').ssl, undefined, 'insecure: the operator says this network needs none');
});

test('database TLS: caFile (relative to the configuration) is the CA the certificate is verified against; unreadable, the key is named', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-db-ca-'));
  try {
    writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const connection = databaseConnection({ url: 'postgres://vigil@db.example.com/vigil', tls: { caFile: 'ca.pem', insecure: false } }, dir);
    assert.deepEqual(connection.ssl, { ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n', rejectUnauthorized: true });
    assert.throws(() => databaseConnection({ url: 'postgres://vigil@db.example.com/vigil', tls: { caFile: 'missing.pem', insecure: false } }, dir), {
      code: 'ERR_STORE',
      message: new RegExp(`database\\.tls\\.caFile: cannot read ${dir}/missing\\.pem \\(ENOENT\\)`),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('database.password: read from its environment variable; a missing one names the key and the variable', () => {
  const url = 'postgres://vigil@db.example.com/vigil';
  assert.equal(databaseConnection({ url, password: { env: 'DB_PASS' } }, '/', { DB_PASS: 's3cret' }).password, 's3cret');
  assert.throws(() => databaseConnection({ url, password: { env: 'DB_PASS' } }, '/', {}), { code: 'ERR_SECRET_UNREADABLE', message: 'database.password: environment variable DB_PASS is not set' });
});
