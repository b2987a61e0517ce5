import type { ClaimScope } from '../ports/outbox-store.js';

/** A claim scope (ClaimScope) as both stores' SQL reads it. */
export interface ScopeTerms {
  /** This host: its messages, and those that record no host, are always admitted. */
  host: string;
  /** Gone hosts whose messages may be taken; empty when nothing is handed over. */
  goneHosts: string[];
  /** [profile, fingerprint] this host can deliver; empty when nothing is handed over. */
  pairs: Array<[string, string]>;
}

/**
 * Normalises a scope: a bare host name, or a hand-over that could admit nothing (no gone host,
 * or no profile of this host), becomes "this host's messages only" — one shape of SQL fewer.
 */
export function scopeTerms(scope: string | ClaimScope): ScopeTerms {
  if (typeof scope === 'string') return { host: scope, goneHosts: [], pairs: [] };
  const goneHosts = (scope.handOver?.hosts ?? []).filter((h) => h !== scope.host);
  const pairs = Object.entries(scope.handOver?.fingerprints ?? {});
  return goneHosts.length && pairs.length ? { host: scope.host, goneHosts, pairs } : { host: scope.host, goneHosts: [], pairs: [] };
}
