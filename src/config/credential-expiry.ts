import type { KeyPath } from '../domain/problem.js';
import type { VigilConfig } from './schema/index.js';

/** A credential whose end date is known and near (or past). */
export interface ExpiringCredential {
  profile: string;
  /** Where in vigil.yaml, e.g. profiles.office.servers.0.auth.oauth2.secretExpires. */
  path: KeyPath;
  /** What it is, in words: "client secret of app 1234… (tenant contoso.onmicrosoft.com)". */
  what: string;
  expiresAt: number;
  /** Negative once expired. */
  daysLeft: number;
}

const DAY_MS = 86_400_000;

/**
 * Credentials with a `secretExpires` date within `mail.warnBeforeExpiry` of `nowMs`, or past
 * it. Pure: `vigil config check`, the service at start and the Daily Admin summary use it.
 */
export function expiringCredentials(config: VigilConfig, nowMs: number): ExpiringCredential[] {
  const found: ExpiringCredential[] = [];
  const consider = (profile: string, path: KeyPath, what: string, expiresAt: number | undefined) => {
    if (expiresAt === undefined || expiresAt - nowMs > config.mail.warnBeforeExpiry) return;
    found.push({ profile, path, what, expiresAt, daysLeft: Math.floor((expiresAt - nowMs) / DAY_MS) });
  };
  for (const [name, profile] of Object.entries(config.profiles)) {
    if (profile.method === 'graph') {
      consider(name, ['profiles', name, 'secretExpires'], `client secret of app ${profile.clientId} (tenant ${profile.tenant})`, profile.secretExpires);
    }
    if (profile.method !== 'smtp') continue;
    profile.servers.forEach((server, index) => {
      const oauth = server.auth?.oauth2;
      if (!oauth) return;
      const what =
        oauth.provider === 'microsoft'
          ? `client secret of app ${oauth.clientId} (tenant ${oauth.tenant})`
          : oauth.provider === 'google'
            ? `Google ${oauth.serviceAccountKeyFile ? 'service account key' : 'OAuth client secret'} for ${server.auth!.user}`
            : `OAuth2 client secret for ${server.auth!.user}`;
      consider(name, ['profiles', name, 'servers', index, 'auth', 'oauth2', 'secretExpires'], what, oauth.secretExpires);
    });
  }
  return found;
}

/** One sentence: "… expires on 2027-06-30 (in 9 days): create a new secret and update …". */
export function describeExpiry(c: ExpiringCredential): string {
  const date = new Date(c.expiresAt).toISOString().slice(0, 10);
  const when = c.daysLeft < 0 ? `expired on ${date}` : `expires on ${date} (${c.daysLeft === 0 ? 'today' : `in ${c.daysLeft} day(s)`})`;
  return `the ${c.what} of profile ${c.profile} ${when}: create a new secret, put it where the clientSecret reference points, and update secretExpires`;
}
