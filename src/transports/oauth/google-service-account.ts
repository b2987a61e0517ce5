import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { VigilError } from '../../domain/errors.js';
import type { AccessToken, TokenProvider } from './access-token.js';
import { GOOGLE_MAIL_SCOPE } from './google.js';
import { requestToken, type TokenEndpoint } from './token-endpoint.js';

/** The fields of a Google service-account key file (JSON) that the JWT bearer grant needs. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKeyPem: string;
  privateKeyId: string | undefined;
  tokenUri: string | undefined;
}

/** Reads and checks a key file; errors name the key path and file, never the key. */
export function loadServiceAccountKey(file: string, keyPath: string): ServiceAccountKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new VigilError('ERR_SECRET_UNREADABLE', `${keyPath}: cannot read service account key file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'Check the path, and that the account the service runs as can read the file (chmod 600, owned by that account).',
    });
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new VigilError('ERR_CONFIG_INVALID', `${keyPath}: ${file} is not JSON; download the key again (Google Cloud console → service account → Keys → Add key → JSON)`);
  }
  const { client_email: clientEmail, private_key: privateKeyPem, private_key_id: privateKeyId, token_uri: tokenUri, type } = json;
  if (type !== 'service_account' || typeof clientEmail !== 'string' || typeof privateKeyPem !== 'string') {
    throw new VigilError('ERR_CONFIG_INVALID', `${keyPath}: ${file} is not a service account key (needs "type": "service_account", client_email and private_key)`);
  }
  return {
    clientEmail,
    privateKeyPem,
    privateKeyId: typeof privateKeyId === 'string' ? privateKeyId : undefined,
    tokenUri: typeof tokenUri === 'string' ? tokenUri : undefined,
  };
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * Google Workspace domain-wide delegation: the service account signs a JWT (RS256) asserting
 * that it acts as `subject` (the mailbox), and trades it for an access token (RFC 7523).
 * The assertion's iat/exp come from our clock: a clock far off Google's makes the grant fail.
 */
export class GoogleServiceAccount implements TokenProvider {
  readonly describe: string;
  private readonly key: KeyObject;

  constructor(
    private readonly account: ServiceAccountKey,
    private readonly subject: string,
    private readonly endpoint: TokenEndpoint,
    private readonly scope = GOOGLE_MAIL_SCOPE,
  ) {
    this.key = createPrivateKey(account.privateKeyPem);
    this.describe = `Google token endpoint ${endpoint.url.host} (service account ${account.clientEmail} for ${subject})`;
  }

  fetch(signal: AbortSignal): Promise<AccessToken> {
    return requestToken(this.endpoint, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: this.assertion() }, signal);
  }

  /** Exposed for tests that verify the signature with the public key. */
  assertion(): string {
    const iat = Math.floor(this.endpoint.clock.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', ...(this.account.privateKeyId ? { kid: this.account.privateKeyId } : {}) };
    const claims = { iss: this.account.clientEmail, sub: this.subject, scope: this.scope, aud: this.endpoint.url.href, iat, exp: iat + 3600 };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(this.key);
    return `${signingInput}.${base64url(signature)}`;
  }
}
