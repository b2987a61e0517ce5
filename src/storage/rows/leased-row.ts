import type { OutgoingMessage } from '../../domain/message.js';

/** The columns a claim returns for each message it leases (both dialects). */
export interface LeasedRow {
  id: string;
  message_id: string;
  profile: string;
  sender: string;
  recipients: string;
  raw: Buffer;
  created_at: number;
}

/** A leased row as the dispatcher sends it. */
export function toOutgoing(row: LeasedRow): OutgoingMessage {
  return { id: row.id, messageId: row.message_id, profile: row.profile, createdAt: row.created_at, envelope: { from: row.sender, to: JSON.parse(row.recipients) as string[] }, raw: row.raw };
}
