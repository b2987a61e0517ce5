import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { PassLoop } from '../platform/pass-loop.js';
import type { HostRegistration, HostStore } from '../storage/ports/host-store.js';

export interface HostPresenceDeps {
  hosts: HostStore;
  registration: HostRegistration;
  everyMs: number;
  clock: Clock;
  log: Logger;
}

/**
 * This service as the fleet sees it: registered at start, heartbeated every `everyMs`, marked
 * `stopped` on a clean shutdown. A heartbeat that cannot be written is logged once (not every few
 * seconds) and retried at the next beat: the database being down is the store's fault to report,
 * and the leader sees this host as silent if it lasts.
 */
export class HostPresence {
  private readonly loop: PassLoop;
  private failing = false;
  private registered = false;

  constructor(private readonly deps: HostPresenceDeps) {
    this.loop = new PassLoop({
      clock: deps.clock,
      pollMs: deps.everyMs,
      dueTimes: () => [],
      pass: () => this.beat(),
      onError: (error) => this.failed(error),
    });
  }

  start(): void {
    this.loop.start(() => this.beat());
  }

  /** Stops beating and records the clean stop (best effort: a failure is logged, not thrown). */
  async stop(): Promise<void> {
    this.loop.stop();
    try {
      await this.deps.hosts.markStopped(this.deps.registration.name, this.deps.clock.now());
    } catch (error) {
      this.deps.log.warn(`could not record host ${this.deps.registration.name} as stopped: ${(error as Error).message}`);
    }
  }

  /** One beat: registers first (and again if the row went missing), then heartbeats. */
  async beat(): Promise<void> {
    const { hosts, registration, clock } = this.deps;
    if (!this.registered || !(await hosts.heartbeat(registration.name, clock.now()))) {
      await hosts.register(registration, clock.now());
      this.registered = true;
    }
    if (this.failing) this.deps.log.info(`host ${registration.name}: heartbeats are recorded again`);
    this.failing = false;
  }

  private failed(error: unknown): void {
    if (!this.failing) this.deps.log.warn(`host ${this.deps.registration.name}: could not record its heartbeat (the fleet sees it silent if this lasts): ${(error as Error).message}`);
    this.failing = true;
  }
}
