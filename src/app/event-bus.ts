import type { EventBusPort, EventHandler, VigilEvent, VigilEventKind } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';

/**
 * In-process event bus. `emit` returns at once; handlers run on a later turn of the event loop,
 * so an emitter (a backup run, the dispatcher) is never blocked or failed by a subscriber.
 * A handler that throws is logged.
 */
export class EventBus implements EventBusPort {
  private readonly handlers = new Map<string, Array<(event: VigilEvent) => void | Promise<void>>>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  on<K extends VigilEventKind>(kind: K, handler: EventHandler<K>): void {
    const list = this.handlers.get(kind) ?? [];
    list.push(handler as (event: VigilEvent) => void);
    this.handlers.set(kind, list);
  }

  emit(event: VigilEvent): void {
    for (const handler of this.handlers.get(event.kind) ?? []) {
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => handler(event))
        .catch((error: unknown) => this.log.error(`handler for ${event.kind} failed`, { error: (error as Error).message }))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  /** Waits for handlers already started (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
