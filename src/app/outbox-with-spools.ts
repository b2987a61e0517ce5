import type { MessageState, StoredMessage } from '../domain/message.js';
import type { AttemptResult, ClaimScope, LeaseLength, NewMessage, OutboxFilter, OutboxStore } from '../storage/ports/outbox-store.js';
import type { PgDatabase } from '../storage/postgres/database.js';
import type { LocalSpool } from './local-spool.js';
import { spoolFlushed } from './spool-flush.js';

// What an admin reads and retries in the Outbox (the console's message pages, `vigil outbox
// list/show/retry`) between PostgreSQL's return and the spool's flush — which a backup still
// running in the spool can put off for hours: the database's messages and those the spool still
// holds, as one Outbox. A message is in one of them only (ids are unique; the flush copies it and
// deletes the spool in one step as far as its readers are concerned), so the spool that holds a
// message is where it is read and changed.

/** The store of `spools` that holds message `id`, if one does. */
export async function holderOf(spools: readonly OutboxStore[], id: string): Promise<OutboxStore | undefined> {
  for (const spool of spools) if (await spool.get(id)) return spool;
  return undefined;
}

/** One message, from the spool that holds it or from the database. */
export async function getAcross(primary: OutboxStore, spools: readonly OutboxStore[], id: string): Promise<StoredMessage | undefined> {
  return ((await holderOf(spools, id)) ?? primary).get(id);
}

/** A listing over the database and the spools, newest first as each store lists, cut at the filter's limit. */
export async function listAcross(primary: OutboxStore, spools: readonly OutboxStore[], filter: OutboxFilter): Promise<StoredMessage[]> {
  const parts = await Promise.all([primary, ...spools].map((store) => store.list(filter)));
  if (spools.length === 0) return parts[0]!;
  return parts
    .flat()
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, filter.limit ?? 100);
}

/** Counts by state over the database and the spools. */
export async function countAcross(primary: OutboxStore, spools: readonly OutboxStore[]): Promise<Partial<Record<MessageState, number>>> {
  const counts: Partial<Record<MessageState, number>> = {};
  for (const part of await Promise.all([primary, ...spools].map((store) => store.countByState()))) {
    for (const [state, n] of Object.entries(part) as [MessageState, number][]) counts[state] = (counts[state] ?? 0) + n;
  }
  return counts;
}

/**
 * The Outbox as a `vigil outbox` command sees it on a host whose service may still hold a spool
 * after PostgreSQL's return: the database's messages and those of the spools in dataDir
 * (LocalSpool.existing). What delivers (claims, results) stays the service's: only the database
 * here.
 */
export class OutboxWithSpools implements OutboxStore {
  constructor(
    private readonly primary: OutboxStore,
    private readonly spools: readonly LocalSpool[],
    private readonly db: PgDatabase,
  ) {}

  private get stores(): OutboxStore[] {
    return this.spools.map((s) => s.store.outbox);
  }

  get(id: string) {
    return getAcross(this.primary, this.stores, id);
  }

  async raw(id: string) {
    return ((await holderOf(this.stores, id)) ?? this.primary).raw(id);
  }

  async attempts(id: string) {
    return ((await holderOf(this.stores, id)) ?? this.primary).attempts(id);
  }

  list(filter: OutboxFilter) {
    return listAcross(this.primary, this.stores, filter);
  }

  countByState() {
    return countAcross(this.primary, this.stores);
  }

  async retry(id: string, now: number): Promise<StoredMessage> {
    let spool: LocalSpool | undefined;
    for (const s of this.spools) if (!spool && (await s.store.outbox.get(id))) spool = s;
    if (!spool) return this.primary.retry(id, now);
    const retried = await spool.store.outbox.retry(id, now);
    // The service may be copying this spool into the database right now, from a read made before
    // this retry: once that flush is over, a copy there still given up on is retried there too.
    if (!(await spoolFlushed(this.db, spool.id))) return retried;
    const copy = await this.primary.get(id);
    if (copy && (copy.state === 'failed' || copy.state === 'expired')) return this.primary.retry(id, now);
    return copy ?? retried;
  }

  async fail(id: string, reason: string, now: number) {
    return ((await holderOf(this.stores, id)) ?? this.primary).fail(id, reason, now);
  }

  enqueue(messages: NewMessage[]) {
    return this.primary.enqueue(messages);
  }

  claimDue(now: number, limit: number, leaseMs: LeaseLength, owner: string, excludeProfiles?: readonly string[], scope?: string | ClaimScope) {
    return this.primary.claimDue(now, limit, leaseMs, owner, excludeProfiles, scope);
  }

  claimById(id: string, now: number, leaseMs: LeaseLength, owner: string) {
    return this.primary.claimById(id, now, leaseMs, owner);
  }

  complete(results: AttemptResult[], now: number) {
    return this.primary.complete(results, now);
  }

  release(ids: string[], owner: string, now: number) {
    return this.primary.release(ids, owner, now);
  }

  expireOlderThan(createdBefore: number, now: number) {
    return this.primary.expireOlderThan(createdBefore, now);
  }

  nextDueAt(excludeProfiles?: readonly string[], scope?: string | ClaimScope) {
    return this.primary.nextDueAt(excludeProfiles, scope);
  }

  suspendRoute(profile: string, until: number, reason: string, now: number) {
    return this.primary.suspendRoute(profile, until, reason, now);
  }

  routeSuspension(profile: string, now: number) {
    return this.primary.routeSuspension(profile, now);
  }

  makeDue(profile: string, now: number) {
    return this.primary.makeDue(profile, now);
  }
}
