import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { AttemptResult, OutboxStore } from '../storage/ports/outbox-store.js';

interface PendingResult {
  result: AttemptResult;
  done: () => void;
  fail: (e: unknown) => void;
}

/**
 * Batches attempt results into one store write: the results that finished together in one turn
 * of the event loop, and then — one write at a time — every result that finished while the
 * previous write was in progress (a group commit: with many messages in flight, one fsync and on
 * PostgreSQL one statement cover them all). `write` resolves once the result is durable.
 */
export class ResultWriter {
  private pending: PendingResult[] = [];
  /** Writes batches until none is waiting; set while it runs. */
  private draining: Promise<void> | undefined;

  constructor(
    private readonly store: OutboxStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  write(result: AttemptResult): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ result, done, fail });
      this.draining ??= this.drain();
    });
  }

  /** Writes every result written so far (waits for the batch in progress, then the rest). */
  async flush(): Promise<void> {
    await this.draining;
    await this.writeBatch();
  }

  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length) await this.writeBatch();
    this.draining = undefined;
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
