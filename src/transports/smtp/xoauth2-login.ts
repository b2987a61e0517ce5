import type { DeliveryOutcome } from '../../domain/outcome.js';
import { isTokenError, type TokenError } from '../oauth/access-token.js';
import type { TokenCache } from '../oauth/token-cache.js';
import type { SmtpFailure } from './classify.js';
import type { SmtpSession } from './smtp-session.js';

export type XOAuth2Result =
  | { ok: true }
  /** The server refused the token(s): classify as an SMTP failure. */
  | { ok: false; failure: SmtpFailure }
  /** No token could be had: already classified. */
  | { ok: false; outcome: Pick<DeliveryOutcome, 'kind' | 'detail' | 'errorCode'> };

/**
 * Logs in with XOAUTH2. A refused token — a 334 challenge (Google, smtp-server) or a plain
 * 535 (Exchange Online) — is invalidated and a new one fetched, once; a second refusal is the
 * server's final word on the credentials (the caller classifies it: profile paused).
 */
export async function xoauth2Login(session: SmtpSession, user: string, tokens: TokenCache, cutoff: AbortSignal): Promise<XOAuth2Result> {
  let token: string;
  try {
    token = await tokens.get(cutoff);
  } catch (error) {
    return noToken(error, tokens);
  }
  let refetched = false;
  let tokenFailure: unknown;
  const refetch = async (): Promise<string> => {
    refetched = true;
    tokens.invalidate(token);
    session.recorder.note('* access token refused: fetching a new one and trying once more');
    try {
      token = await tokens.get(cutoff);
      return token;
    } catch (error) {
      tokenFailure = error;
      throw error;
    }
  };
  // The second refusal ends the login with the server's own reply, for the classifier.
  const refuse = async (): Promise<string> => {
    const reply = session.recorder.lastReply() ?? '535 authentication failed';
    throw Object.assign(new Error('Invalid login'), { response: reply, responseCode: Number(reply.slice(0, 3)) || 535 });
  };

  let result = await session.loginXOAuth2(user, token, refetch);
  if (tokenFailure !== undefined) return noToken(tokenFailure, tokens);
  if (!result.ok && !refetched && refusedCredentials(result.failure) && session.usable) {
    try {
      await refetch();
    } catch (error) {
      return noToken(error, tokens);
    }
    result = await session.loginXOAuth2(user, token, refuse);
  }
  return result.ok ? { ok: true } : { ok: false, failure: result.failure };
}

function refusedCredentials(failure: SmtpFailure): boolean {
  const code = failure.responseCode ?? Number(failure.response?.slice(0, 3));
  return failure.code === 'EAUTH' && code >= 500;
}

function noToken(error: unknown, tokens: TokenCache): XOAuth2Result {
  if (isTokenError(error)) {
    const e = error as TokenError;
    return { ok: false, outcome: { kind: e.kind, errorCode: e.errorCode, detail: `no access token from ${tokens.provider.describe}: ${e.message}` } };
  }
  return { ok: false, outcome: { kind: 'temporary', errorCode: 'ERR_OAUTH_UNAVAILABLE', detail: `no access token: ${(error as Error).message}` } };
}
