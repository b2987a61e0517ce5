import type { HandOffRow, HandOffStore } from '../ports/hand-off-store.js';

/**
 * An `mta_handoffs` row (migration 3) as both stores return it — the same columns in either
 * dialect, `recipients` a JSON array in a TEXT column in both — and its hand-off: one mapping for
 * the SQLite and the PostgreSQL adapter.
 */
export interface MtaHandOffRow {
  outbox_id: string;
  message_id: string;
  client: string;
  program: string;
  queue_listing: string;
  sender: string;
  recipients: string;
  handed_at: number;
  queue_id: string | null;
  last_checked_at: number | null;
  last_seen_at: number | null;
  left_at: number | null;
  stuck_since: number | null;
  last_reason: string | null;
}

export function handOffOf(row: MtaHandOffRow): HandOffRow {
  return {
    outboxId: row.outbox_id,
    messageId: row.message_id,
    client: row.client,
    program: row.program,
    queueListing: row.queue_listing,
    sender: row.sender,
    recipients: JSON.parse(row.recipients) as string[],
    handedAt: row.handed_at,
    queueId: row.queue_id,
    lastCheckedAt: row.last_checked_at,
    lastSeenAt: row.last_seen_at,
    leftAt: row.left_at,
    stuckSince: row.stuck_since,
    lastReason: row.last_reason,
  };
}

/** The column of each field the queue watch may change. */
const CHANGE_COLUMNS: Record<string, string> = {
  queueId: 'queue_id',
  lastCheckedAt: 'last_checked_at',
  lastSeenAt: 'last_seen_at',
  leftAt: 'left_at',
  stuckSince: 'stuck_since',
  lastReason: 'last_reason',
};

/**
 * What one pass of the queue watch changes, as [column, value] pairs: the fields it set (an
 * undefined one is left as it is), in the order given; each adapter writes its own placeholders.
 */
export function handOffChanges(change: Parameters<HandOffStore['update']>[1]): Array<[column: string, value: unknown]> {
  return Object.entries(change)
    .filter(([key, value]) => CHANGE_COLUMNS[key] && value !== undefined)
    .map(([key, value]) => [CHANGE_COLUMNS[key]!, value]);
}
