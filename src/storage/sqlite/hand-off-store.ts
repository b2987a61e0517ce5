import type { SqliteDatabase } from './database.js';
import type { HandOffRow, HandOffStore } from '../ports/hand-off-store.js';
import { handOffChanges, handOffOf, type MtaHandOffRow } from '../rows/hand-off-row.js';

/** Hand-offs to spooling mail programs, for the MTA queue watch (migration 3). */
export class SqliteHandOffStore implements HandOffStore {
  constructor(private readonly db: SqliteDatabase) {}

  async record(h: Parameters<HandOffStore['record']>[0]): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO mta_handoffs (outbox_id, message_id, client, program, queue_listing, sender, recipients, handed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (outbox_id) DO UPDATE SET message_id = excluded.message_id, client = excluded.client, program = excluded.program,
           queue_listing = excluded.queue_listing, sender = excluded.sender, recipients = excluded.recipients, handed_at = excluded.handed_at,
           queue_id = NULL, last_checked_at = NULL, last_seen_at = NULL, left_at = NULL, stuck_since = NULL, last_reason = NULL`,
      )
      .run(h.outboxId, h.messageId, h.client, h.program, h.queueListing, h.sender, JSON.stringify(h.recipients), h.handedAt);
  }

  async watched(limit = 500): Promise<HandOffRow[]> {
    return (this.db.prepare('SELECT * FROM mta_handoffs WHERE left_at IS NULL ORDER BY handed_at LIMIT ?').all(limit) as MtaHandOffRow[]).map(handOffOf);
  }

  async update(outboxId: string, change: Parameters<HandOffStore['update']>[1]): Promise<void> {
    const changes = handOffChanges(change);
    if (changes.length === 0) return;
    const sets = changes.map(([column]) => `${column} = ?`).join(', ');
    this.db.prepare(`UPDATE mta_handoffs SET ${sets} WHERE outbox_id = ?`).run(...changes.map(([, value]) => value), outboxId);
  }

  async get(outboxId: string): Promise<HandOffRow | undefined> {
    const row = this.db.prepare('SELECT * FROM mta_handoffs WHERE outbox_id = ?').get(outboxId) as MtaHandOffRow | undefined;
    return row ? handOffOf(row) : undefined;
  }

  async stuck(): Promise<HandOffRow[]> {
    return (this.db.prepare('SELECT * FROM mta_handoffs WHERE left_at IS NULL AND stuck_since IS NOT NULL ORDER BY handed_at').all() as MtaHandOffRow[]).map(handOffOf);
  }
}
