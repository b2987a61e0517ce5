import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localhostCertificate } from '../helpers/certs.js';
import { consoleFixture, CONSOLE_PASSWORD, CONSOLE_USER } from './fixture.js';

test('under TLS the session cookie is __Host- prefixed and Secure, and HSTS is sent', async () => {
  const { key, cert } = await localhostCertificate();
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-console-tls-'));
  writeFileSync(path.join(dir, 'cert.pem'), cert);
  writeFileSync(path.join(dir, 'key.pem'), key);
  const f = await consoleFixture({ tls: { certFile: path.join(dir, 'cert.pem'), keyFile: path.join(dir, 'key.pem') } });
  try {
    assert.match(f.server.url, /^https:\/\//);
    const { port } = new URL(f.server.url);
    const body = new URLSearchParams({ user: CONSOLE_USER, password: CONSOLE_PASSWORD }).toString();
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, servername: 'localhost', ca: cert, method: 'POST', path: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }, timeout: 30_000 }, (res) => {
        res.resume();
        resolve(res.headers);
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end(body);
    });
    const cookie = String(headers['set-cookie']);
    assert.match(cookie, /^__Host-vigil_session=/);
    assert.match(cookie, /Secure/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(String(headers['strict-transport-security']), /max-age=/);
  } finally {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
