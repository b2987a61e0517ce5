import type { ClaimScope } from '../ports/outbox-store.js';
import { scopeTerms } from '../rows/claim-scope.js';

/**
 * The messages a claim scope admits (ClaimScope) as SQL over `messages`, values appended to
 * `params`: this host's, those of no recorded host, and a gone host's whose fingerprint this host
 * has for that name.
 *
 * As disjoint parts, each selecting one host (or none): messages_due_host (migration 47) walks
 * each in claim order, so a claim reads its own candidates only. As one OR, PostgreSQL walked
 * messages_due and read every other host's pending messages queued ahead of this host's.
 */
export function scopeParts(scope: string | ClaimScope, params: unknown[]): string[] {
  const { host, goneHosts, pairs } = scopeTerms(scope);
  const param = (value: unknown) => `$${params.push(value)}`;
  const parts = [`host = ${param(host)}::text`, 'host IS NULL'];
  if (pairs.length) {
    parts.push(`host = ANY(${param(goneHosts)}::text[])
      AND (profile, fingerprint) IN (SELECT * FROM unnest(${param(pairs.map((p) => p[0]))}::text[], ${param(pairs.map((p) => p[1]))}::text[]))`);
  }
  return parts;
}

/** The same as one condition (`AND (…)`) for statements that read the whole scope at once; none without a scope. */
export function ofScope(scope: string | ClaimScope | undefined, params: unknown[]): string {
  if (scope === undefined) return '';
  return `AND (${scopeParts(scope, params).map((part) => `(${part})`).join(' OR ')})`;
}
