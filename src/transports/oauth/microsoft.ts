import type { AccessToken, TokenProvider } from './access-token.js';
import { requestToken, type TokenEndpoint } from './token-endpoint.js';

export const MICROSOFT_AUTHORITY = 'https://login.microsoftonline.com';
/** Exchange Online's resource: SMTP AUTH with XOAUTH2 (application permission SMTP.SendAsApp). */
export const MICROSOFT_SMTP_SCOPE = 'https://outlook.office365.com/.default';
/** Microsoft Graph's resource: sendMail (application permission Mail.Send). */
export const MICROSOFT_GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface MicrosoftAppOptions {
  /** Login host, e.g. https://login.microsoftonline.us for US Government clouds. */
  authority: string;
  /** Tenant id (GUID) or a verified domain, e.g. contoso.onmicrosoft.com. */
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** `.default` of the resource: application permissions granted with admin consent. */
  scope: string;
}

/**
 * App-only tokens with the client-credentials grant of the Microsoft identity platform
 * (`POST {authority}/{tenant}/oauth2/v2.0/token`). No refresh token: a new grant each time.
 */
export class MicrosoftClientCredentials implements TokenProvider {
  readonly describe: string;
  private readonly endpoint: TokenEndpoint;

  constructor(
    private readonly options: MicrosoftAppOptions,
    endpoint: Omit<TokenEndpoint, 'url'>,
  ) {
    const url = new URL(`${options.authority.replace(/\/+$/, '')}/${encodeURIComponent(options.tenant)}/oauth2/v2.0/token`);
    this.endpoint = { ...endpoint, url };
    this.describe = `Microsoft token endpoint ${url.host} for tenant ${options.tenant}`;
  }

  fetch(signal: AbortSignal): Promise<AccessToken> {
    return requestToken(
      this.endpoint,
      { grant_type: 'client_credentials', client_id: this.options.clientId, client_secret: this.options.clientSecret, scope: this.options.scope },
      signal,
    );
  }
}
