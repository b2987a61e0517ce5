import type { PgDatabase } from './database.js';
import type { HandOffRow, HandOffStore } from '../ports/hand-off-store.js';
import { handOffChanges, handOffOf, type MtaHandOffRow } from '../rows/hand-off-row.js';

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
    return (await this.db.rows<MtaHandOffRow>('SELECT * FROM mta_handoffs WHERE left_at IS NULL ORDER BY handed_at LIMIT $1', [limit])).map(handOffOf);
  }

  async update(outboxId: string, change: Parameters<HandOffStore['update']>[1]): Promise<void> {
    const changes = handOffChanges(change);
    if (changes.length === 0) return;
    const sets = changes.map(([column], i) => `${column} = $${i + 1}`).join(', ');
    await this.db.run(`UPDATE mta_handoffs SET ${sets} WHERE outbox_id = $${changes.length + 1}`, [...changes.map(([, value]) => value), outboxId]);
  }

  async get(outboxId: string): Promise<HandOffRow | undefined> {
    const row = await this.db.one<MtaHandOffRow>('SELECT * FROM mta_handoffs WHERE outbox_id = $1', [outboxId]);
    return row ? handOffOf(row) : undefined;
  }

  async stuck(): Promise<HandOffRow[]> {
    return (await this.db.rows<MtaHandOffRow>('SELECT * FROM mta_handoffs WHERE left_at IS NULL AND stuck_since IS NOT NULL ORDER BY handed_at')).map(handOffOf);
  }
}
