import type { Clock } from '../domain/clock.js';
import { liveness, watchdogPingEveryMs, type LoopState } from '../domain/liveness.js';
import type { Logger } from '../domain/logger.js';
import { SystemdNotifier } from '../platform/sd-notify.js';

/** One loop the watchdog watches: when it last made progress, and how long it may be silent. */
export interface WatchedLoop {
  name: string;
  maxSilenceMs: number;
  lastBeatAt(): number | undefined;
  /** Checked on every look before the verdict (the database: a read must succeed). */
  probe?(): Promise<void>;
}

// Until READY=1 is sent, look this often: the unit's start is waiting on it.
const STARTING_LOOK_MS = 1_000;

/**
 * systemd's side of `vigil start` (Type=notify, WatchdogSec=): READY=1 once every watched loop
 * has made its first step (the scheduler has recovered and looked at the schedules, the
 * dispatcher has made a pass, the database answered), then WATCHDOG=1 every half WATCHDOG_USEC
 * only while none of them is stalled. A hung process (event loop blocked, frozen) sends nothing;
 * a live process whose loop hangs stops sending. Either way systemd kills and restarts it.
 * Lives as long as the process: a reload retires the old service's loops and watches the new ones.
 */
export class ServiceWatchdog {
  private loops: WatchedLoop[] = [];
  private readonly probed = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  private startedAt: number;
  private lastStalled = '';
  private readonly pingEveryMs: number | undefined;
  private stopped = false;

  constructor(
    private readonly notifier: SystemdNotifier,
    private readonly clock: Clock,
    private readonly log: Logger,
    env: NodeJS.ProcessEnv,
  ) {
    this.pingEveryMs = notifier.enabled ? watchdogPingEveryMs(env, process.pid) : undefined;
    this.startedAt = clock.now();
  }

  static fromEnvironment(clock: Clock, log: Logger, env: NodeJS.ProcessEnv): ServiceWatchdog {
    return new ServiceWatchdog(new SystemdNotifier(env.NOTIFY_SOCKET), clock, log, env);
  }

  /** Watches these loops (a service instance's) until the returned function retires them. */
  watch(loops: WatchedLoop[]): () => void {
    // Not under systemd (or no systemd-notify): nobody to tell, nothing to watch for.
    if (!this.notifier.enabled) return () => undefined;
    this.loops.push(...loops);
    this.startedAt = this.clock.now();
    this.arm(STARTING_LOOK_MS);
    return () => {
      this.loops = this.loops.filter((l) => !loops.includes(l));
      for (const l of loops) this.probed.delete(l.name);
    };
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One look: probe, decide, notify. Exposed for tests with a fake clock; never throws. */
  async look(): Promise<void> {
    for (const loop of this.loops) {
      if (!loop.probe) continue;
      try {
        await loop.probe();
        this.probed.set(loop.name, this.clock.now());
      } catch (error) {
        this.log.warn(`watchdog: ${loop.name} check failed: ${(error as Error).message}`);
      }
    }
    const states: LoopState[] = this.loops.map((l) => ({ name: l.name, maxSilenceMs: l.maxSilenceMs, lastBeatAt: l.probe ? this.probed.get(l.name) : l.lastBeatAt() }));
    const verdict = liveness(states, this.clock.now(), this.startedAt);
    if (verdict.kind === 'stalled') {
      const which = verdict.loops.map((l) => `${l.name} silent for ${Math.round(l.silentMs / 1000)} s`).join(', ');
      if (which !== this.lastStalled) this.log.error(`watchdog: not telling systemd we are alive: ${which}; systemd restarts the service when WatchdogSec= runs out`);
      this.lastStalled = which;
      return;
    }
    if (verdict.kind === 'starting') return;
    if (this.lastStalled) this.log.info('watchdog: every loop is alive again');
    this.lastStalled = '';
    if (!this.ready) {
      this.ready = await this.notifier.send('READY=1', 'STATUS=scheduling backups, delivering notifications');
      if (this.pingEveryMs === undefined) return;
    }
    if (this.pingEveryMs !== undefined) await this.notifier.send('WATCHDOG=1');
  }

  private arm(ms: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.look().finally(() => {
        // Once ready, only the watchdog needs looks; without one there is nothing more to say.
        if (!this.ready) this.arm(STARTING_LOOK_MS);
        else if (this.pingEveryMs !== undefined) this.arm(this.pingEveryMs);
      });
    }, ms);
    this.timer.unref();
  }
}
