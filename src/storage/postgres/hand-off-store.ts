import type { PgDatabase } from './database.js';
import type { HandOffRow, HandOffStore } from '../ports/hand-off-store.js';

interface Row {
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

const COLUMNS: Record<string, string> = {
  queueId: 'queue_id',
  lastCheckedAt: 'last_checked_at',
  lastSeenAt: 'last_seen_at',
  leftAt: 'left_at',
  stuckSince: 'stuck_since',
  lastReason: 'last_reason',
};

/** Hand-offs to spooling mail programs, for the MTA queue watch (migration 3). */
export class PgHandOffStore implements HandOffStore {
  constructor(private readonly db: PgDatabase) {}

  async record(h: Parameters<HandOffStore['record']>[0]): Promise<void> {
    await this.db.run(
      `INSERT INTO mta_handoffs (outbox_id, message_id, client, program, queue_listing, sender, recipients, handed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (outbox_id) DO UPDATE SET message_id = excluded.message_id, client = excluded.client, program = excluded.program,
         queue_listing = excluded.queue_listing, sender = excluded.sender, recipients = excluded.recipients, handed_at = excluded.handed_at,
         queue_id = NULL, last_checked_at = NULL, last_seen_at = NULL, left_at = NULL, stuck_since = NULL, last_reason = NULL`,
      [h.outboxId, h.messageId, h.client, h.program, h.queueListing, h.sender, JSON.stringify(h.recipients), h.handedAt],
    );
  }

  async watched(limit = 500): Promise<HandOffRow[]> {
    return (await this.db.rows<Row>('SELECT * FROM mta_handoffs WHERE left_at IS NULL ORDER BY handed_at LIMIT $1', [limit])).map(toRow);
  }

  async update(outboxId: string, change: Parameters<HandOffStore['update']>[1]): Promise<void> {
    const entries = Object.entries(change).filter(([key, value]) => COLUMNS[key] && value !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(([key], i) => `${COLUMNS[key]} = $${i + 1}`).join(', ');
    await this.db.run(`UPDATE mta_handoffs SET ${sets} WHERE outbox_id = $${entries.length + 1}`, [...entries.map(([, value]) => value), outboxId]);
  }

  async get(outboxId: string): Promise<HandOffRow | undefined> {
    const row = await this.db.one<Row>('SELECT * FROM mta_handoffs WHERE outbox_id = $1', [outboxId]);
    return row ? toRow(row) : undefined;
  }

  async stuck(): Promise<HandOffRow[]> {
    return (await this.db.rows<Row>('SELECT * FROM mta_handoffs WHERE left_at IS NULL AND stuck_since IS NOT NULL ORDER BY handed_at')).map(toRow);
  }
}

function toRow(row: Row): HandOffRow {
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
