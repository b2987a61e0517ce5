import type { Clock } from '../../domain/clock.js';
import type { QueueListing } from './catalogue.js';
import type { HandOffRecorder } from './mail-client-transport.js';
import { checkHandOffs, type MtaQueueListing, type WatchedHandOff } from './mta-queue.js';

/** The persisted hand-offs the watch reads and updates (src/storage: HandOffStore). */
export interface HandOffLedger extends HandOffRecorder {
  watched(limit?: number): Promise<Array<WatchedHandOff & { client: string; queueListing: string; stuckSince: number | null; lastSeenAt: number | null }>>;
  update(
    outboxId: string,
    change: { queueId?: string | null; lastCheckedAt?: number; lastSeenAt?: number; leftAt?: number; stuckSince?: number | null; lastReason?: string | null },
  ): Promise<void>;
}

export interface QueueLister {
  list(listing: QueueListing, signal?: AbortSignal): Promise<MtaQueueListing>;
}

export interface StuckHandOff {
  outboxId: string;
  messageId: string;
  client: string;
  queueId?: string;
  handedAt: number;
  reason: string;
}

export interface QueueWatchReport {
  checked: number;
  inQueue: number;
  left: string[];
  stuck: StuckHandOff[];
  /** Stuck for the first time in this pass: worth an alert. */
  newlyStuck: StuckHandOff[];
  /** Queues that could not be read, with why. */
  unreadable: string[];
}

/**
 * One pass over the messages handed to spooling programs: each is looked for in its MTA's
 * queue; those still there after `stuckAfterMs` are stuck, those gone have left (delivered or
 * bounced by the MTA — Vigil can no longer tell, and does not claim "delivered").
 * Each queue is listed once per pass. Never rejects for a queue it cannot read.
 */
export class MtaQueueWatch {
  constructor(
    private readonly o: { ledger: HandOffLedger; lister: QueueLister; clock: Clock; stuckAfterMs: number },
  ) {}

  async check(signal?: AbortSignal): Promise<QueueWatchReport> {
    const report: QueueWatchReport = { checked: 0, inQueue: 0, left: [], stuck: [], newlyStuck: [], unreadable: [] };
    const handOffs = await this.o.ledger.watched();
    const byListing = new Map<string, typeof handOffs>();
    for (const handOff of handOffs) byListing.set(handOff.queueListing, [...(byListing.get(handOff.queueListing) ?? []), handOff]);

    for (const [listingKind, group] of byListing) {
      const listing = await this.o.lister.list(listingKind as QueueListing, signal);
      if (!listing.ok) report.unreadable.push(listing.detail);
      const now = this.o.clock.now();
      const checks = checkHandOffs(group, listing, now, this.o.stuckAfterMs);
      for (const [index, check] of checks.entries()) {
        const handOff = group[index]!;
        report.checked += 1;
        const reason = check.reasons.join('; ') || (check.status === 'unknown' ? listing.detail : 'waiting in the local queue');
        if (check.status === 'left-queue') {
          report.left.push(handOff.outboxId);
          await this.o.ledger.update(handOff.outboxId, { lastCheckedAt: now, leftAt: now, stuckSince: null });
          continue;
        }
        if (check.status === 'in-queue') report.inQueue += 1;
        const stuckSince = check.stuck ? (handOff.stuckSince ?? now) : null;
        await this.o.ledger.update(handOff.outboxId, {
          lastCheckedAt: now,
          ...(check.status === 'in-queue' ? { lastSeenAt: now } : {}),
          ...(check.queueId ? { queueId: check.queueId } : {}),
          stuckSince,
          lastReason: reason,
        });
        if (check.stuck) {
          const stuck: StuckHandOff = {
            outboxId: handOff.outboxId,
            messageId: handOff.messageId,
            client: handOff.client,
            ...(check.queueId ? { queueId: check.queueId } : {}),
            handedAt: handOff.handedAt,
            reason,
          };
          report.stuck.push(stuck);
          if (handOff.stuckSince === null) report.newlyStuck.push(stuck);
        }
      }
    }
    return report;
  }
}
