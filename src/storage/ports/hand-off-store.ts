/** A message handed to a spooling mail program: which local queue holds it, and what the queue watch saw. */
export interface HandOffRow {
  outboxId: string;
  messageId: string;
  client: string;
  program: string;
  /** How that MTA's queue is listed: `postqueue-json`, `mailq`, `none`. */
  queueListing: string;
  sender: string;
  recipients: string[];
  handedAt: number;
  queueId: string | null;
  lastCheckedAt: number | null;
  /** When the watch last found it in the MTA's queue. */
  lastSeenAt: number | null;
  /** When the watch first found it gone from the queue (delivered or bounced by the MTA). */
  leftAt: number | null;
  stuckSince: number | null;
  lastReason: string | null;
}

/** Persistence for the MTA queue watch (migration 3). */
export interface HandOffStore {
  /** Upsert by outboxId: a later hand-off of the same message (a user retry) starts afresh. */
  record(handOff: Pick<HandOffRow, 'outboxId' | 'messageId' | 'client' | 'program' | 'queueListing' | 'sender' | 'recipients' | 'handedAt'>): Promise<void>;
  /** Hand-offs not yet seen leaving their queue, oldest first. */
  watched(limit?: number): Promise<HandOffRow[]>;
  /** Applies what one pass of the queue watch found. */
  update(outboxId: string, change: Partial<Pick<HandOffRow, 'queueId' | 'lastCheckedAt' | 'lastSeenAt' | 'leftAt' | 'stuckSince' | 'lastReason'>>): Promise<void>;
  get(outboxId: string): Promise<HandOffRow | undefined>;
  /** Hand-offs still in a local queue past their stuck time. */
  stuck(): Promise<HandOffRow[]>;
}
