/**
 * What is in a local MTA's queue, parsed from its own listing. Pure: the I/O is in
 * mta-queue-reader.ts.
 */

export interface MtaQueueEntry {
  queueId: string;
  /** Postfix: maildrop, incoming, active, deferred, hold. */
  queueName?: string;
  /** Milliseconds since the epoch, when the listing gives it. */
  arrivalTime?: number;
  sender: string;
  recipients: string[];
  /** Why delivery was delayed, per recipient, as the MTA says it. */
  reasons: string[];
  /** Read from the queued message's headers when the MTA lets us (postcat). */
  messageId?: string;
}

export interface MtaQueueListing {
  /** False when the queue could not be read (program missing, permission, mail system down). */
  ok: boolean;
  entries: MtaQueueEntry[];
  detail: string;
}

/** `postqueue -j`: one JSON object per line (Postfix ≥ 3.1). Lines that are not JSON are ignored. */
export function parsePostqueueJson(text: string): MtaQueueEntry[] {
  const entries: MtaQueueEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const record = JSON.parse(line) as {
        queue_name?: string;
        queue_id?: string;
        arrival_time?: number;
        sender?: string;
        recipients?: Array<{ address?: string; delay_reason?: string }>;
      };
      if (!record.queue_id) continue;
      const recipients = record.recipients ?? [];
      entries.push({
        queueId: record.queue_id,
        ...(record.queue_name ? { queueName: record.queue_name } : {}),
        ...(typeof record.arrival_time === 'number' ? { arrivalTime: record.arrival_time * 1000 } : {}),
        sender: record.sender ?? '',
        recipients: recipients.map((r) => r.address ?? '').filter(Boolean),
        reasons: recipients.map((r) => r.delay_reason ?? '').filter(Boolean),
      });
    } catch {
      // A truncated line (capped output): skip it rather than lose the rest.
    }
  }
  return entries;
}

/**
 * `mailq` in the two common layouts: Sendmail/Postfix (`ID[*!] size date sender`, recipients
 * indented below) and Exim (`age size ID <sender>`, recipients indented below). Anything else
 * yields no entries — the caller then says the queue could not be interpreted.
 */
export function parseMailq(text: string): MtaQueueEntry[] {
  const entries: MtaQueueEntry[] = [];
  let current: MtaQueueEntry | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const sendmailStyle = /^([0-9A-Za-z]{6,})[*!]?\s+(\d+)\s+\w{3}\s+\w{3}\s+\d+\s+[\d:]+\s+(\S+)/.exec(line);
    const eximStyle = /^\s*\d+[smhdw]\s+[\d.]+[KMG]?\s+([0-9A-Za-z]{6}-[0-9A-Za-z]{6,}-[0-9A-Za-z]{2,})\s+<([^>]*)>/.exec(line);
    if (sendmailStyle || eximStyle) {
      current = sendmailStyle
        ? { queueId: sendmailStyle[1]!, sender: sendmailStyle[3]!.replace(/^<|>$/g, ''), recipients: [], reasons: [] }
        : { queueId: eximStyle![1]!, sender: eximStyle![2]!, recipients: [], reasons: [] };
      entries.push(current);
      continue;
    }
    if (!current || !/^\s+\S/.test(line)) {
      if (!line.trim()) current = undefined;
      continue;
    }
    const text = line.trim();
    if (text.startsWith('(')) current.reasons.push(text.replace(/^\(|\)$/g, ''));
    else if (/^\S+@\S+$|^<?[^\s@]+>?$/.test(text)) current.recipients.push(text.replace(/^<|>$/g, '').replace(/^D\s+/, ''));
  }
  return entries;
}

/** A message Vigil handed to a spooling program, as the queue watch sees it. */
export interface WatchedHandOff {
  outboxId: string;
  messageId: string;
  sender: string;
  recipients: string[];
  handedAt: number;
  queueId?: string | null;
}

export type HandOffStatus = 'in-queue' | 'left-queue' | 'unknown';

export interface HandOffCheck {
  outboxId: string;
  status: HandOffStatus;
  stuck: boolean;
  queueId?: string;
  reasons: string[];
}

/** How far apart the hand-off and the MTA's arrival time may be for a match without a Message-ID. */
const ARRIVAL_SLACK_MS = 120_000;

/**
 * Pure: where each hand-off is now. Matched by queue id (once known), by Message-ID (when the
 * listing has it), else by sender, recipients and arrival time close to the hand-off.
 * A message is stuck when it is still queued `stuckAfterMs` after the hand-off; when the queue
 * cannot be read, a message that old counts as stuck too — nobody can say it left.
 */
export function checkHandOffs(handOffs: readonly WatchedHandOff[], listing: MtaQueueListing, now: number, stuckAfterMs: number): HandOffCheck[] {
  const claimed = new Set<string>();
  return handOffs.map((handOff) => {
    const old = now - handOff.handedAt >= stuckAfterMs;
    if (!listing.ok) return { outboxId: handOff.outboxId, status: 'unknown', stuck: old, reasons: [listing.detail] };
    // Recipients already delivered leave the MTA's list: what remains is a subset of ours.
    const ours = new Set(handOff.recipients.map((r) => r.toLowerCase()));
    const sameRecipients = (entry: MtaQueueEntry) => entry.recipients.every((r) => ours.has(r.toLowerCase()));
    const entry =
      (handOff.queueId ? listing.entries.find((e) => e.queueId === handOff.queueId) : undefined) ??
      listing.entries.find((e) => !claimed.has(e.queueId) && e.messageId !== undefined && e.messageId === handOff.messageId) ??
      listing.entries.find(
        (e) =>
          !claimed.has(e.queueId) &&
          e.messageId === undefined &&
          e.sender.toLowerCase() === handOff.sender.toLowerCase() &&
          sameRecipients(e) &&
          (e.arrivalTime === undefined || Math.abs(e.arrivalTime - handOff.handedAt) <= ARRIVAL_SLACK_MS),
      );
    if (!entry) return { outboxId: handOff.outboxId, status: 'left-queue', stuck: false, reasons: [] };
    claimed.add(entry.queueId);
    return { outboxId: handOff.outboxId, status: 'in-queue', stuck: old, queueId: entry.queueId, reasons: entry.reasons };
  });
}
