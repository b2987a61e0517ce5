import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { GraphProfileConfig, OAuth2Config } from '../config/schema/index.js';
import type { Redactor } from '../config/redact.js';
import { readSecret } from '../config/secrets.js';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import type { TokenProvider } from '../transports/oauth/access-token.js';
import { GenericClientCredentials } from '../transports/oauth/generic.js';
import { GoogleRefreshToken } from '../transports/oauth/google.js';
import { GoogleServiceAccount, loadServiceAccountKey } from '../transports/oauth/google-service-account.js';
import { MicrosoftClientCredentials } from '../transports/oauth/microsoft.js';
import { TokenCache } from '../transports/oauth/token-cache.js';
import { TokenCommand } from '../transports/oauth/token-command.js';
import { GraphTransport } from '../transports/graph/graph-transport.js';
import { xoauth2Sasl } from '../transports/smtp/smtp-session.js';

export interface OAuthWiring {
  redactor: Redactor;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** Deadline of one token request (the attempt's deadline bounds it too). */
  timeoutMs: number;
}

/**
 * Builds the token cache for an SMTP server's `auth.oauth2` (`key` is its path in vigil.yaml,
 * for errors). Every secret read is registered with the redactor; so is every token, in the
 * forms it takes on the wire (as is, and inside the base64 XOAUTH2 string).
 */
export function smtpTokenCache(oauth: OAuth2Config, user: string, key: string, w: OAuthWiring): TokenCache {
  const provider = tokenProvider(oauth, user, key, w);
  return new TokenCache(provider, {
    clock: w.clock,
    onToken: (token) => {
      w.redactor.rotate(`${key}.token`, token);
      w.redactor.rotate(`${key}.sasl`, xoauth2Sasl(user, token));
    },
  });
}

export function buildGraphTransport(profile: GraphProfileConfig, key: string, w: OAuthWiring, redact: (text: string) => string): GraphTransport {
  const secret = readSecret(profile.clientSecret, `${key}.clientSecret`, w.env);
  w.redactor.add(secret);
  const ca = readCa(profile.caFile, `${key}.caFile`);
  const endpoint = { timeoutMs: w.timeoutMs, clock: w.clock, ...(ca ? { ca } : {}) };
  const provider = new MicrosoftClientCredentials(
    { authority: profile.authority, tenant: profile.tenant, clientId: profile.clientId, clientSecret: secret, scope: `${new URL(profile.graphUrl).origin}/.default` },
    endpoint,
  );
  const tokens = new TokenCache(provider, { clock: w.clock, onToken: (token) => w.redactor.rotate(`${key}.token`, token) });
  return new GraphTransport({ graphUrl: profile.graphUrl, mailbox: profile.mailbox, tokens, timeoutMs: w.timeoutMs, clock: w.clock, redact, ...(ca ? { ca } : {}) });
}

function tokenProvider(oauth: OAuth2Config, user: string, key: string, w: OAuthWiring): TokenProvider {
  const secret = (ref: Parameters<typeof readSecret>[0], name: string) => {
    const value = readSecret(ref, `${key}.${name}`, w.env);
    w.redactor.add(value);
    return value;
  };
  const ca = readCa(oauth.caFile, `${key}.caFile`);
  const endpoint = { timeoutMs: w.timeoutMs, clock: w.clock, ...(ca ? { ca } : {}) };
  switch (oauth.provider) {
    case 'microsoft':
      return new MicrosoftClientCredentials(
        { authority: oauth.authority, tenant: oauth.tenant, clientId: oauth.clientId, clientSecret: secret(oauth.clientSecret, 'clientSecret'), scope: oauth.scope },
        endpoint,
      );
    case 'google': {
      const url = new URL(oauth.tokenUrl);
      if (oauth.serviceAccountKeyFile) {
        const account = loadServiceAccountKey(oauth.serviceAccountKeyFile, `${key}.serviceAccountKeyFile`);
        w.redactor.add(account.privateKeyPem);
        return new GoogleServiceAccount(account, user, { ...endpoint, url });
      }
      return new GoogleRefreshToken(
        { clientId: oauth.clientId!, clientSecret: secret(oauth.clientSecret!, 'clientSecret'), refreshToken: secret(oauth.refreshToken!, 'refreshToken') },
        { ...endpoint, url },
      );
    }
    case 'generic':
      if (oauth.command) {
        return new TokenCommand({ argv: oauth.command, lifetimeMs: oauth.tokenLifetimeSeconds * 1000, timeoutMs: w.timeoutMs, clock: w.clock, env: w.env });
      }
      return new GenericClientCredentials({ clientId: oauth.clientId!, clientSecret: secret(oauth.clientSecret!, 'clientSecret'), scope: oauth.scope }, { ...endpoint, url: new URL(oauth.tokenUrl!) });
  }
}

/** The system's CAs plus the one in `file` (a private CA, or the tests'). */
export function readCa(file: string | undefined, key: string): string[] | undefined {
  if (!file) return undefined;
  try {
    return [...rootCertificates, readFileSync(file, 'utf8')];
  } catch (error) {
    throw new VigilError('ERR_CONFIG_INVALID', `${key}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
