import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { OutboxStore } from '../storage/ports/outbox-store.js';
import type { ProfileStateStore } from '../storage/ports/profile-state-store.js';

/**
 * Profiles paused because their credentials or configuration were refused, and the end of a
 * pause: a test message got through, or the pause ran out. Either way the messages the profile
 * held back are due at once, oldest critical first — they must not wait out their backoff and
 * arrive after a recovery notice enqueued since.
 */
export class ProfilePauses {
  constructor(
    private readonly d: {
      profiles: ProfileStateStore;
      store: OutboxStore;
      clock: Clock;
      log: Logger;
      /** Called after a resume, to deliver what became due without waiting for the timer. */
      onResumed: () => void;
    },
  ) {}

  async pause(profile: string, until: number, reason: string): Promise<void> {
    await this.d.profiles.pause(profile, until, reason);
    this.d.log.warn(`profile ${profile} paused: ${reason}`, { until: new Date(until).toISOString() });
  }

  async resume(profile: string): Promise<void> {
    await this.d.profiles.resume(profile);
    const moved = await this.d.store.makeDue(profile, this.d.clock.now());
    if (moved) this.d.log.info(`profile ${profile} resumed: ${moved} held-back message(s) due now`);
    this.d.onResumed();
  }

  /** Profiles paused now. A pause that has run out is lifted here, as a resume. */
  async paused(): Promise<string[]> {
    const now = this.d.clock.now();
    const states = await this.d.profiles.all();
    for (const p of states) if (p.pausedUntil !== null && p.pausedUntil <= now) await this.resume(p.name);
    return states.filter((p) => p.pausedUntil !== null && p.pausedUntil > now).map((p) => p.name);
  }

  /** When the earliest pause in force ends. */
  async nextEnd(): Promise<number | undefined> {
    const now = this.d.clock.now();
    const ends = (await this.d.profiles.all()).map((p) => p.pausedUntil).filter((t): t is number => t !== null && t > now);
    return ends.length ? Math.min(...ends) : undefined;
  }
}
