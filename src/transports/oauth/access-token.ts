import type { ErrorCode } from '../../domain/errors.js';

/** An OAuth2 bearer token and when the issuer says it stops working. */
export interface AccessToken {
  token: string;
  /** Epoch ms; from the endpoint's `expires_in` measured on our clock when the answer came. */
  expiresAt: number;
  /** When it was obtained (epoch ms), to refresh at a fraction of its lifetime. */
  obtainedAt: number;
}

/**
 * Obtains a fresh token from wherever the provider issues them (token endpoint, command).
 * - Never caches: TokenCache does that, with single-flight and refresh before expiry.
 * - Ends when `signal` aborts and within its own deadline.
 * - Fails only with TokenError, already classified: `credentials` when a person must act
 *   (wrong tenant, bad secret, revoked grant), `temporary` when trying later may work.
 */
export interface TokenProvider {
  /** For messages: `Microsoft token endpoint for tenant contoso.onmicrosoft.com`. */
  readonly describe: string;
  fetch(signal: AbortSignal): Promise<AccessToken>;
}

export type TokenFailureKind = 'credentials' | 'temporary';

/**
 * A token could not be obtained. `providerCode` is what the provider calls the problem
 * (`AADSTS7000215`, `invalid_grant`), which hints turn into plain words. Never holds a secret.
 */
export class TokenError extends Error {
  readonly kind: TokenFailureKind;
  readonly errorCode: ErrorCode;
  readonly providerCode: string | undefined;
  readonly status: number | undefined;

  constructor(kind: TokenFailureKind, message: string, extra: { providerCode?: string; status?: number } = {}) {
    super(message);
    this.name = 'TokenError';
    this.kind = kind;
    this.errorCode = kind === 'credentials' ? 'ERR_OAUTH_TOKEN' : 'ERR_OAUTH_UNAVAILABLE';
    this.providerCode = extra.providerCode;
    this.status = extra.status;
  }
}

export function isTokenError(value: unknown): value is TokenError {
  return value instanceof TokenError;
}

/** `expires_in` is seconds; absent or nonsense means "assume an hour", the providers' usual. */
export function expiryFrom(expiresIn: unknown, now: number): number {
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
  const valid = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0;
  return now + (valid ? seconds : 3600) * 1000;
}
