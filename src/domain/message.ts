import type { ChannelContent } from './channel.js';
import type { PingContent } from './ping.js';

/** Vocabulary of the Outbox (DESIGN.md §3). */

export const MESSAGE_STATES = ['queued', 'sending', 'deferred', 'sent', 'queued-locally', 'failed', 'expired'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/** States from which a message may still be delivered by the dispatcher. */
export const PENDING_STATES: readonly MessageState[] = ['queued', 'sending', 'deferred'];
/** States the dispatcher will never touch again (unless a user retries the message). */
export const FINAL_STATES: readonly MessageState[] = ['sent', 'queued-locally', 'failed', 'expired'];

// Severity is shared vocabulary (channels use it too); it lives in its own file so channel.ts and
// this one need not import each other. Re-exported here for the many existing importers.
export { SEVERITIES, type Severity } from './severity.js';
import type { Severity } from './severity.js';

/** Lower is sooner: critical messages are claimed ahead of everything else. */
export const PRIORITY = { critical: 0, normal: 5, bulk: 9 } as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

export interface Envelope {
  from: string;
  to: string[];
}

/** What the caller asks the Outbox to send; rendered once, at enqueue. */
export interface MessageRequest {
  /** Dotted event kind, e.g. `backup.failed`, `mail.test`, `summary.daily`. */
  kind: string;
  severity: Severity;
  priority?: Priority;
  profile: string;
  /** When set, a second request with the same key is not queued while the first is pending. */
  dedupeKey?: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** Extra headers (e.g. List-Id); values are checked for header injection like everything else. */
  headers?: Record<string, string>;
  /** Files attached to the message (e.g. a run's full log, compressed). */
  attachments?: Attachment[];
  /**
   * A push-channel message instead of an e-mail: rendered for the channel's service at enqueue
   * and stored under the profile `channel:<name>` (src/domain/channel.ts). `from`/`to` are then
   * informational, `subject` the title.
   */
  channel?: { name: string; content: ChannelContent };
  /**
   * A heartbeat ping instead (src/domain/ping.ts): rendered for its target's protocol at enqueue
   * and stored under the profile `ping:<target>`.
   */
  ping?: { target: string; content: PingContent };
  /**
   * Messages of one sequence are delivered one at a time, in the order they were enqueued: a
   * later one is not attempted while an earlier one is pending (a run's `/start` ping never
   * arrives after its end). Unset: no order beyond priority and due time.
   */
  sequence?: string;
}

export interface Attachment {
  /** Shown to the reader; checked like a header value. */
  filename: string;
  content: Buffer;
  contentType: string;
}

/** A message as the Outbox holds it: rendered bytes plus the metadata delivery needs. */
export interface StoredMessage {
  id: string;
  messageId: string;
  kind: string;
  severity: Severity;
  priority: number;
  profile: string;
  dedupeKey: string | null;
  envelope: Envelope;
  subject: string;
  state: MessageState;
  createdAt: number;
  updatedAt: number;
  nextAttemptAt: number;
  attempts: number;
  lastOutcome: string | null;
  lastError: string | null;
  possibleDuplicate: boolean;
  sentAt: number | null;
  /** The host that enqueued it; null in rows older than migration 32. */
  host: string | null;
  /** The host whose attempt delivered it (sent or queued locally); null until then, and in rows older than migration 37. */
  deliveredBy?: string | null;
  /** The fingerprint of its profile or channel on the host that enqueued it (see NewMessage). */
  fingerprint?: string | null;
}

/** The bytes a transport sends: identical on every retry. */
export interface OutgoingMessage {
  id: string;
  messageId: string;
  profile: string;
  createdAt: number;
  envelope: Envelope;
  raw: Buffer;
}
