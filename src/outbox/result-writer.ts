import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { AttemptResult, OutboxStore } from '../storage/ports/outbox-store.js';

/**
 * Batches attempt results into one store transaction per turn of the event loop: with many
 * messages in flight, one fsync covers all the results that finished together.
 * `write` resolves once the result is durable.
 */
export class ResultWriter {
  private pending: { result: AttemptResult; done: () => void; fail: (e: unknown) => void }[] = [];
  private scheduled: Promise<void> | undefined;

  constructor(
    private readonly store: OutboxStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  write(result: AttemptResult): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ result, done, fail });
      this.scheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    });
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = undefined;
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
