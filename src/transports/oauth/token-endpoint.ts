import type { Clock } from '../../domain/clock.js';
import { expiryFrom, TokenError, type AccessToken } from './access-token.js';
import { httpsRequest, HttpsFailure, type HttpsResponse } from './https-request.js';

/** Where and how to reach one OAuth2 token endpoint (RFC 6749 §3.2). */
export interface TokenEndpoint {
  url: URL;
  /** Trusted CAs (PEM) for a private or test endpoint; undefined means the system's. */
  ca?: string[];
  timeoutMs: number;
  clock: Clock;
}

// A clock this far off the endpoint's explains signed assertions refused as "not yet valid".
const SKEW_WORTH_SAYING_MS = 5 * 60_000;
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/;

/**
 * POSTs a form to the token endpoint and returns the token, or throws a classified TokenError.
 * The form (it holds the client secret or refresh token) never appears in an error.
 */
export async function requestToken(endpoint: TokenEndpoint, form: Record<string, string>, signal: AbortSignal): Promise<AccessToken> {
  let response: HttpsResponse;
  try {
    response = await httpsRequest({
      url: endpoint.url,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      ...(endpoint.ca ? { ca: endpoint.ca } : {}),
      timeoutMs: endpoint.timeoutMs,
      signal,
    });
  } catch (error) {
    const failure = error as HttpsFailure;
    // An untrusted certificate needs a person (tls/caFile), like a TLS failure in SMTP.
    if (failure.code && TLS_CODES.test(failure.code)) {
      throw new TokenError('credentials', `TLS to the token endpoint ${endpoint.url.host} failed: ${failure.message} (${failure.code})`, { providerCode: failure.code });
    }
    throw new TokenError('temporary', `the token endpoint could not be reached: ${failure.message}${failure.code ? ` (${failure.code})` : ''}`);
  }
  const now = endpoint.clock.now();
  const json = parseJson(response.body);
  if (response.status === 200 && typeof json?.access_token === 'string' && json.access_token) {
    return { token: json.access_token, expiresAt: expiryFrom(json.expires_in, now), obtainedAt: now };
  }
  throw tokenRefusal(response, json, now);
}

type TokenJson = { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown; error_codes?: unknown };

function parseJson(body: string): TokenJson | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' ? (value as TokenJson) : undefined;
  } catch {
    return undefined;
  }
}

/** Classifies an error answer as RFC 6749 §5.2 and Microsoft identity platform document it. */
function tokenRefusal(response: HttpsResponse, json: TokenJson | undefined, now: number): TokenError {
  const error = typeof json?.error === 'string' ? json.error : undefined;
  // Microsoft: "AADSTS7000215: Invalid client secret provided. …\r\nTrace ID: …" — the first line says it.
  const description = typeof json?.error_description === 'string' ? (json.error_description.split(/\r?\n/)[0] ?? '').trim() : '';
  const aadsts = /AADSTS\d+/.exec(description)?.[0] ?? (Array.isArray(json?.error_codes) && typeof json.error_codes[0] === 'number' ? `AADSTS${json.error_codes[0]}` : undefined);
  const providerCode = aadsts ?? error;
  const said = [error, description].filter(Boolean).join(': ') || `HTTP ${response.status} without an OAuth2 error body`;
  const skew = clockSkew(response, now);
  const skewNote = skew === undefined ? '' : `; this machine’s clock is ${Math.round(skew / 60_000)} min off the token endpoint’s`;
  const temporary = response.status === 429 || response.status >= 500 || error === 'temporarily_unavailable' || error === 'server_error';
  if (temporary) {
    return new TokenError('temporary', `the token endpoint failed temporarily (HTTP ${response.status}): ${said}`, { status: response.status, ...(providerCode ? { providerCode } : {}) });
  }
  return new TokenError('credentials', `the token endpoint refused the credentials (HTTP ${response.status}): ${said}${skewNote}`, {
    status: response.status,
    ...(providerCode ? { providerCode } : {}),
  });
}

function clockSkew(response: HttpsResponse, now: number): number | undefined {
  const date = Date.parse(String(response.headers.date ?? ''));
  if (Number.isNaN(date)) return undefined;
  const skew = now - date;
  return Math.abs(skew) >= SKEW_WORTH_SAYING_MS ? skew : undefined;
}
