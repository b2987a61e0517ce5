import type { Clock } from '../../domain/clock.js';
import { isTokenError, TokenError, type AccessToken, type TokenProvider } from './access-token.js';

export interface TokenCacheOptions {
  clock: Clock;
  /** Refresh when less than this is left (default 5 min)… */
  refreshMarginMs?: number;
  /** …or once this fraction of the lifetime has passed (default 0.9), whichever comes first. */
  refreshFraction?: number;
  /** Each new token is handed here first, so the redactor knows it before it is used. */
  onToken?: (token: string) => void;
  /**
   * The shared fetch is given up after this long (default 2 min) even if the provider never
   * settles: callers share it, so one that hung would leave every later caller waiting on it.
   */
  fetchLimitMs?: number;
}

// A token this close to its end is not handed out even when a refresh failed: it could expire
// between here and the server.
const LAST_USE_MS = 30_000;

/**
 * One provider's current token, in memory only. Concurrent callers share one fetch
 * (single-flight); the token is refreshed before it expires; a refused token is invalidated so
 * the next caller fetches a new one. Fetch failures are not cached: the caller's retry decides.
 */
export class TokenCache {
  private current: AccessToken | undefined;
  private inFlight: Promise<AccessToken> | undefined;
  private readonly closing = new AbortController();
  /** How many tokens were fetched; for tests and the transcript. */
  fetches = 0;

  constructor(
    readonly provider: TokenProvider,
    private readonly options: TokenCacheOptions,
  ) {}

  /** A token good for a while yet. Rejects with TokenError, or when `signal` aborts first. */
  async get(signal: AbortSignal): Promise<string> {
    const now = this.options.clock.now();
    const current = this.current;
    if (current && now < this.refreshAt(current)) return current.token;
    try {
      return (await this.waitFor(this.refresh(), signal)).token;
    } catch (error) {
      // The endpoint is down but the token we have still works: use it, refresh next time.
      const stillValid = current && this.current === current && this.options.clock.now() < current.expiresAt - LAST_USE_MS;
      if (stillValid && isTokenError(error) && error.kind === 'temporary') return current.token;
      throw error;
    }
  }

  /** The server refused `token`: forget it (unless a newer one already replaced it). */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  /** Stops a fetch in progress (service shutdown). */
  close(): void {
    this.closing.abort();
  }

  private refreshAt(token: AccessToken): number {
    const lifetime = Math.max(0, token.expiresAt - token.obtainedAt);
    // A token shorter-lived than twice the margin would be refreshed at every use otherwise.
    const margin = Math.min(this.options.refreshMarginMs ?? 5 * 60_000, lifetime / 2);
    const fraction = this.options.refreshFraction ?? 0.9;
    return Math.min(token.expiresAt - margin, token.obtainedAt + lifetime * fraction);
  }

  private refresh(): Promise<AccessToken> {
    this.inFlight ??= (async () => {
      // Not the caller's signal: other callers share this fetch. The provider has its own
      // deadline; the limit here holds even when it fails to keep it.
      const stop = new AbortController();
      const onClose = () => stop.abort();
      this.closing.signal.addEventListener('abort', onClose, { once: true });
      const limitMs = this.options.fetchLimitMs ?? 120_000;
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          stop.abort();
          reject(new TokenError('temporary', `${this.provider.describe} gave no answer within ${Math.round(limitMs / 1000)} s`));
        }, limitMs);
      });
      try {
        this.fetches++;
        const token = await Promise.race([this.provider.fetch(stop.signal), limit]);
        this.options.onToken?.(token.token);
        this.current = token;
        return token;
      } finally {
        clearTimeout(timer);
        this.closing.signal.removeEventListener('abort', onClose);
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }

  private waitFor<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(new Error('cut off before a token was obtained'));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Error('cut off before a token was obtained'));
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}
