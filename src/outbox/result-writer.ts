import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { AttemptResult, OutboxStore } from '../storage/ports/outbox-store.js';

interface PendingResult {
  result: AttemptResult;
  done: () => void;
  fail: (e: unknown) => void;
}

/**
 * Waiting for the results still to come before a write (a shared database, where each write is a
 * statement and a commit every host pays for): a write waits until `batch` results are in, or
 * no other attempt is still sending, or `lingerMs` after its first result, whichever comes first.
 */
export interface ResultBatching {
  /** Results worth one write: the number of slots a claim waits for (claimWhenFree). */
  batch: number;
  /** Attempts still sending: each will bring a result soon. */
  sending(): number;
  /** The longest a result waits for others (a timer: a write never waits on a slow attempt). */
  lingerMs: number;
}

/**
 * Batches attempt results into one store write: the results that finished together in one turn
 * of the event loop, and then — one write at a time — every result that finished while the
 * previous write was in progress (a group commit: with many messages in flight, one fsync and on
 * PostgreSQL one statement cover them all). With `batching`, a write also waits briefly for the
 * attempts still sending (ResultBatching). `write` resolves once the result is durable.
 */
export class ResultWriter {
  private pending: PendingResult[] = [];
  /** Writes batches until none is waiting; set while it runs. */
  private draining: Promise<void> | undefined;
  /** Wakes a write that waits for more results (a result arrived, or flush). */
  private arrived: (() => void) | undefined;
  private flushing = false;

  constructor(
    private readonly store: OutboxStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly batching?: ResultBatching,
  ) {}

  write(result: AttemptResult): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ result, done, fail });
      this.arrived?.();
      this.draining ??= this.drain();
    });
  }

  /** Writes every result written so far (waits for the batch in progress, then the rest). */
  async flush(): Promise<void> {
    this.flushing = true;
    this.arrived?.();
    try {
      await this.draining;
      await this.writeBatch();
    } finally {
      this.flushing = false;
    }
  }

  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length) {
      await this.gather();
      await this.writeBatch();
    }
    this.draining = undefined;
  }

  /** With batching: waits until a write is worth it (see ResultBatching); at once without. */
  private async gather(): Promise<void> {
    const b = this.batching;
    if (!b) return;
    const worth = () => this.flushing || this.pending.length >= b.batch || b.sending() === 0;
    if (worth()) return;
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      this.arrived?.();
    }, b.lingerMs);
    try {
      while (!expired && !worth()) await new Promise<void>((resolve) => (this.arrived = resolve));
    } finally {
      this.arrived = undefined;
      clearTimeout(timer);
    }
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      await this.store.complete(
        batch.map((b) => b.result),
        this.clock.now(),
      );
      for (const b of batch) b.done();
    } catch (error) {
      // The lease will expire and the message be tried again: nothing lost, maybe a duplicate.
      this.log.error('could not record delivery results', { error: (error as Error).message, count: batch.length });
      for (const b of batch) b.fail(error);
    }
  }
}
