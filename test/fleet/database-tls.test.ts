import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { localhostCertificate } from '../helpers/certs.js';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

/**
 * database.tls against a real PostgreSQL serving TLS with a certificate for `localhost` (signed by
 * itself, as a private CA would sign it): the certificate is verified — chain and host name —
 * whenever TLS is used, and a database on the network gets TLS verified against the system's CAs
 * unless the user says `insecure: true` (no TLS: a network they trust). Each case runs `vigil hosts`, which opens the store.
 */
let ca: string;
let otherCa: string;
const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

before(async () => {
  ca = (await localhostCertificate()).cert;
  const other = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, days: 2, algorithm: 'sha256' } as never);
  otherCa = (other as { cert: string }).cert;
});
const cluster = usePostgres(withCleanups(), async () => ({ tls: await localhostCertificate(), ...(networkAddress ? { alsoListen: networkAddress } : {}) }));

async function hosts(host: string, tls: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const ws = new Workspace();
  try {
    writeFileSync(path.join(ws.dir, 'ca.pem'), ca);
    writeFileSync(path.join(ws.dir, 'other-ca.pem'), otherCa);
    ws.write(smtpConfig({ servers: [{ port: 25 }], extra: `database:\n  url: postgres://postgres@${host}:${cluster.port}/postgres\n${tls}` }));
    return await ws.vigil(['hosts', '--json']);
  } finally {
    ws.cleanup();
  }
}

test('database.tls.caFile: the server certificate signed by that CA, for that host name, is accepted', async () => {
  const ok = await hosts('localhost', '  tls: { caFile: ca.pem }\n');
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), []);
});

test('database.tls.caFile: a certificate another CA signed is refused, with the key to check and no stack trace', async () => {
  const refused = await hosts('localhost', '  tls: { caFile: other-ca.pem }\n');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /database\.tls/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /);
});

test('database.tls.caFile: the right CA but another host name (127.0.0.1; the certificate names localhost) is refused', async () => {
  const refused = await hosts('127.0.0.1', '  tls: { caFile: ca.pem }\n');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /database\.tls/);
});

test('a database on the network: TLS verified against the system CAs by default; insecure: true connects without TLS', { skip: networkAddress ? false : 'this machine has no non-loopback IPv4 address' }, async () => {
  const byDefault = await hosts(networkAddress!, '');
  assert.notEqual(byDefault.code, 0, 'a self-signed certificate must not pass the system CAs');
  assert.match(byDefault.stderr, /database\.tls/);
  const insecure = await hosts(networkAddress!, '  tls: { insecure: true }\n');
  assert.equal(insecure.code, 0, insecure.stderr);
});
