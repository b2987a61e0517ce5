import type { MessageState, StoredMessage } from '../domain/message.js';
import type { OutboxFilter, OutboxStore } from '../storage/ports/outbox-store.js';

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
