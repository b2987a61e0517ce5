import type { AccessToken, TokenProvider } from './access-token.js';
import { requestToken, type TokenEndpoint } from './token-endpoint.js';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** Full mail access: the only scope Gmail's SMTP accepts for XOAUTH2. */
export const GOOGLE_MAIL_SCOPE = 'https://mail.google.com/';

export interface GoogleRefreshOptions {
  clientId: string;
  clientSecret: string;
  /** Obtained once by the administrator with the consent screen (docs/gmail.md). */
  refreshToken: string;
}

/**
 * Access tokens from a long-lived refresh token (`grant_type=refresh_token`). Google answers
 * `invalid_grant` when the refresh token was revoked, expired (7 days for apps in "Testing"
 * status) or the password changed: a person must mint a new one.
 */
export class GoogleRefreshToken implements TokenProvider {
  readonly describe: string;

  constructor(
    private readonly options: GoogleRefreshOptions,
    private readonly endpoint: TokenEndpoint,
  ) {
    this.describe = `Google token endpoint ${endpoint.url.host} (refresh token)`;
  }

  fetch(signal: AbortSignal): Promise<AccessToken> {
    return requestToken(
      this.endpoint,
      { grant_type: 'refresh_token', client_id: this.options.clientId, client_secret: this.options.clientSecret, refresh_token: this.options.refreshToken },
      signal,
    );
  }
}
