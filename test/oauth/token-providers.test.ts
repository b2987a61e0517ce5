import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { CloudPeer } from './cloud-peer.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { closedPort } from '../helpers/smtp-peer.js';
import { MicrosoftClientCredentials, MICROSOFT_SMTP_SCOPE } from '../../src/transports/oauth/microsoft.js';
import { GoogleRefreshToken } from '../../src/transports/oauth/google.js';
import { GoogleServiceAccount } from '../../src/transports/oauth/google-service-account.js';
import { TokenCache } from '../../src/transports/oauth/token-cache.js';
import { TokenError, type TokenProvider } from '../../src/transports/oauth/access-token.js';
import { oauthHint } from '../../src/transports/oauth/hints.js';

let peer: CloudPeer;
let ca: string[];
before(async () => {
  peer = await CloudPeer.start();
  ca = [...rootCertificates, readFileSync(peer.caFile, 'utf8')];
  peer.apps.push({ tenant: 'contoso.onmicrosoft.com', clientId: 'app-1', secret: 'app-1-secret-value' });
});
after(async () => {
  await peer.stop();
});

const never = new AbortController().signal;

function microsoft(clock: FakeClock, overrides: Partial<{ tenant: string; clientId: string; clientSecret: string; authority: string }> = {}, withCa = true): MicrosoftClientCredentials {
  return new MicrosoftClientCredentials(
    { authority: peer.url, tenant: 'contoso.onmicrosoft.com', clientId: 'app-1', clientSecret: 'app-1-secret-value', scope: MICROSOFT_SMTP_SCOPE, ...overrides },
    { timeoutMs: 5000, clock, ...(withCa ? { ca } : {}) },
  );
}

async function refusal(provider: TokenProvider): Promise<TokenError> {
  const error = await provider.fetch(never).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof TokenError, `expected a TokenError, got ${String(error)}`);
  return error;
}

describe('Microsoft client credentials', () => {
  test('posts the documented form to {authority}/{tenant}/oauth2/v2.0/token', async () => {
    const before = peer.tokenRequests.length;
    const token = await microsoft(new FakeClock()).fetch(never);
    assert.ok(peer.validTokens.has(token.token));
    const request = peer.tokenRequests[before]!;
    assert.equal(request.path, '/contoso.onmicrosoft.com/oauth2/v2.0/token');
    assert.deepEqual(request.form, { grant_type: 'client_credentials', client_id: 'app-1', client_secret: 'app-1-secret-value', scope: 'https://outlook.office365.com/.default' });
    assert.equal(token.expiresAt - token.obtainedAt, 3600_000);
  });

  const cases: Array<[string, Parameters<typeof microsoft>[1], string, RegExp]> = [
    ['unknown tenant', { tenant: 'nowhere.example' }, 'AADSTS90002', /tenant was not found/],
    ['unknown app', { clientId: 'app-404' }, 'AADSTS700016', /No application with this clientId/],
    ['wrong secret', { clientSecret: 'the-secret-id-not-its-value' }, 'AADSTS7000215', /Value \(shown only once/],
  ];
  for (const [name, overrides, code, hint] of cases) {
    test(`${name} → credentials with ${code} and a plain-words hint`, async () => {
      const error = await refusal(microsoft(new FakeClock(), overrides));
      assert.equal(error.kind, 'credentials');
      assert.equal(error.errorCode, 'ERR_OAUTH_TOKEN');
      assert.equal(error.providerCode, code);
      assert.ok(!error.message.includes('Trace ID'), 'only the first line of the description');
      assert.match(oauthHint({ kind: 'credentials', errorCode: error.errorCode, detail: error.message, transcript: '' }) ?? '', hint);
    });
  }

  test('expired secret and missing consent are named', async () => {
    peer.apps.push({ tenant: 'contoso.onmicrosoft.com', clientId: 'app-old', secret: 's3cret-old', secretExpired: true });
    peer.apps.push({ tenant: 'contoso.onmicrosoft.com', clientId: 'app-new', secret: 's3cret-new', consented: false });
    const expired = await refusal(microsoft(new FakeClock(), { clientId: 'app-old', clientSecret: 's3cret-old' }));
    assert.equal(expired.providerCode, 'AADSTS7000222');
    assert.match(oauthHint({ kind: 'credentials', errorCode: expired.errorCode, detail: expired.message, transcript: '' }) ?? '', /has expired/);
    const consent = await refusal(microsoft(new FakeClock(), { clientId: 'app-new', clientSecret: 's3cret-new' }));
    assert.equal(consent.providerCode, 'AADSTS65001');
    assert.match(oauthHint({ kind: 'credentials', errorCode: consent.errorCode, detail: consent.message, transcript: '' }) ?? '', /Grant admin consent/);
  });

  test('a clock far off the endpoint’s is said, next to the refusal', async () => {
    peer.dateOffsetMs = -20 * 60_000;
    try {
      const error = await refusal(microsoft(new FakeClock(Date.now()), { clientSecret: 'wrong' }));
      assert.match(error.message, /clock is 20 min off/);
    } finally {
      peer.dateOffsetMs = 0;
    }
  });

  test('503 and an unreachable endpoint are temporary; an untrusted certificate needs a person', async () => {
    peer.tokenOutage = { status: 503, body: { error: 'temporarily_unavailable', error_description: 'AADSTS90033: A transient error has occurred. Please try again.' } };
    try {
      assert.equal((await refusal(microsoft(new FakeClock()))).kind, 'temporary');
    } finally {
      peer.tokenOutage = undefined;
    }
    const down = await refusal(microsoft(new FakeClock(), { authority: `https://127.0.0.1:${await closedPort()}` }));
    assert.equal(down.kind, 'temporary');
    assert.equal(down.errorCode, 'ERR_OAUTH_UNAVAILABLE');
    const untrusted = await refusal(microsoft(new FakeClock(), {}, false));
    assert.equal(untrusted.kind, 'credentials');
    assert.match(untrusted.message, /TLS to the token endpoint/);
  });
});

describe('token cache', () => {
  test('caches, refreshes before expiry (fake clock), and shares one fetch among concurrent callers', async () => {
    const clock = new FakeClock(Date.now());
    const seen: string[] = [];
    const cache = new TokenCache(microsoft(clock), { clock, onToken: (t) => seen.push(t) });
    const [a, b, c] = await Promise.all([cache.get(never), cache.get(never), cache.get(never)]);
    assert.equal(cache.fetches, 1, 'single flight');
    assert.equal(a, b);
    assert.equal(b, c);
    assert.deepEqual(seen, [a], 'the redactor hears of each token before it is used');
    clock.advance(50 * 60_000); // 10 min left of 60: still fine
    assert.equal(await cache.get(never), a);
    assert.equal(cache.fetches, 1);
    clock.advance(5 * 60_000); // 55 min: past 90% of the lifetime and within 5 min of the end
    const fresh = await cache.get(never);
    assert.notEqual(fresh, a);
    assert.equal(cache.fetches, 2);
    cache.invalidate('some-older-token'); // a stale refusal does not throw the new token away
    assert.equal(await cache.get(never), fresh);
    cache.invalidate(fresh);
    assert.notEqual(await cache.get(never), fresh);
    assert.equal(cache.fetches, 3);
  });

  test('a short-lived token is refreshed half-way; near its end an outage is not hidden', async () => {
    peer.tokenLifetimeSeconds = 120;
    try {
      const clock = new FakeClock(Date.now());
      const cache = new TokenCache(microsoft(clock), { clock });
      const first = await cache.get(never);
      clock.advance(50_000);
      assert.equal(await cache.get(never), first, '50 s of 120: kept');
      clock.advance(11_000);
      const second = await cache.get(never);
      assert.notEqual(second, first, '61 s of 120: refreshed');
      clock.advance(100_000); // 20 s left of the second token
      peer.tokenOutage = { status: 503, body: {} };
      await assert.rejects(cache.get(never), (e: unknown) => e instanceof TokenError && e.kind === 'temporary');
    } finally {
      peer.tokenOutage = undefined;
      peer.tokenLifetimeSeconds = 3600;
    }
  });

  test('an outage well before expiry falls back to the current token', async () => {
    const clock = new FakeClock(Date.now());
    const cache = new TokenCache(microsoft(clock), { clock });
    const first = await cache.get(never);
    clock.advance(56 * 60_000); // refresh due, 4 min still valid
    peer.tokenOutage = { status: 503, body: {} };
    try {
      assert.equal(await cache.get(never), first);
      assert.equal(cache.fetches, 2, 'it did try');
    } finally {
      peer.tokenOutage = undefined;
    }
  });
});

describe('token cache: a provider that never answers', () => {
  test('the shared fetch is given up at its limit, so later callers are not wedged behind it', { timeout: 10_000 }, async () => {
    const clock = new FakeClock(Date.now());
    let calls = 0;
    const provider: TokenProvider = {
      describe: 'stuck provider',
      // The first fetch ignores its signal and never settles, as a buggy provider might.
      fetch: () => (++calls === 1 ? new Promise(() => {}) : Promise.resolve({ token: 'second-token', obtainedAt: clock.now(), expiresAt: clock.now() + 3600_000 })),
    };
    const cache = new TokenCache(provider, { clock, fetchLimitMs: 100 });
    const stuck = await cache.get(never).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(stuck instanceof TokenError && stuck.kind === 'temporary', `expected a temporary TokenError, got ${String(stuck)}`);
    assert.match(stuck.message, /stuck provider gave no answer/);
    assert.equal(await cache.get(never), 'second-token');
    assert.equal(calls, 2);
  });
});

describe('Google', () => {
  const endpoint = (clock: FakeClock) => ({ url: new URL(`${peer.url}/token`), ca, timeoutMs: 5000, clock });

  test('refresh token grant; a revoked refresh token is invalid_grant with a hint', async () => {
    const g = peer.google;
    const provider = new GoogleRefreshToken({ clientId: g.clientId, clientSecret: g.clientSecret, refreshToken: g.refreshToken }, endpoint(new FakeClock()));
    const token = await provider.fetch(never);
    assert.ok(peer.validTokens.has(token.token));
    assert.deepEqual(peer.tokenRequests.at(-1)!.form, { grant_type: 'refresh_token', client_id: g.clientId, client_secret: g.clientSecret, refresh_token: g.refreshToken });
    g.revoked = true;
    try {
      const error = await refusal(provider);
      assert.equal(error.kind, 'credentials');
      assert.equal(error.providerCode, 'invalid_grant');
      assert.match(oauthHint({ kind: 'credentials', errorCode: error.errorCode, detail: error.message, transcript: '' }) ?? '', /revoked.*Testing/s);
    } finally {
      g.revoked = false;
    }
  });

  test('service account: an RS256 JWT with sub = the mailbox; without delegation unauthorized_client', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    peer.google.serviceAccountPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    peer.google.serviceAccountEmail = 'vigil@project.iam.gserviceaccount.com';
    const account = { clientEmail: 'vigil@project.iam.gserviceaccount.com', privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), privateKeyId: 'k1', tokenUri: undefined };
    const clock = new FakeClock(Date.now());
    const provider = new GoogleServiceAccount(account, 'backup@example.com', endpoint(clock));
    const undelegated = await refusal(provider);
    assert.equal(undelegated.providerCode, 'unauthorized_client');
    assert.match(oauthHint({ kind: 'credentials', errorCode: undelegated.errorCode, detail: undelegated.message, transcript: '' }) ?? '', /domain-wide delegation/);
    peer.google.delegatedTo.push('backup@example.com');
    const token = await provider.fetch(never);
    assert.ok(peer.validTokens.has(token.token));
    const claims = JSON.parse(Buffer.from(provider.assertion().split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims.sub, 'backup@example.com');
    assert.equal(claims.aud, `${peer.url}/token`);
    clock.advance(-30 * 60_000); // this machine's clock half an hour slow
    assert.equal((await refusal(provider)).providerCode, 'invalid_grant');
  });
});
