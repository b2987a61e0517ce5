import type { AccessToken, TokenProvider } from './access-token.js';
import { requestToken, type TokenEndpoint } from './token-endpoint.js';

export interface ClientCredentialsOptions {
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes, when the provider wants them. */
  scope: string | undefined;
}

/** Any RFC 6749 §4.4 token endpoint: client credentials in the form body. */
export class GenericClientCredentials implements TokenProvider {
  readonly describe: string;

  constructor(
    private readonly options: ClientCredentialsOptions,
    private readonly endpoint: TokenEndpoint,
  ) {
    this.describe = `token endpoint ${endpoint.url.host}`;
  }

  fetch(signal: AbortSignal): Promise<AccessToken> {
    return requestToken(
      this.endpoint,
      {
        grant_type: 'client_credentials',
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
        ...(this.options.scope ? { scope: this.options.scope } : {}),
      },
      signal,
    );
  }
}
