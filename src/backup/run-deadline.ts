import { setLongTimeout } from '../platform/long-timer.js';
import { formatDuration } from '../config/duration.js';
import { ZERO_COUNTERS } from '../domain/activity.js';
import type { EngineRunResult } from './engine.js';

/**
 * The deadline of one backup run, the same for every engine: the set's `timeout`. The engine
 * gets a signal that aborts at the timeout (or when the caller's own signal aborts: Ctrl-C,
 * service stop). An engine stuck in the kernel (a hung network mount, a FIFO with no writer)
 * cannot notice that signal, so the run is not made to wait for it either: `graceMs` after the
 * abort, `settle` gives up on the engine and the runner records the run without it.
 */

export const ABANDONED: unique symbol = Symbol('engine abandoned');

export interface RunDeadline {
  /** What the engine watches: aborts at the timeout or with the caller's signal. */
  readonly signal: AbortSignal;
  /** Whether the timeout (not the caller) stopped the run. */
  readonly timedOut: boolean;
  /** The engine's outcome, or ABANDONED when it has not returned `graceMs` after the abort. */
  settle<T>(work: Promise<T>): Promise<T | typeof ABANDONED>;
  /** Clears the timers and the listener on the caller's signal. Call once the run is recorded. */
  dispose(): void;
}

export interface RunDeadlineOptions {
  timeoutMs: number;
  /** How long an engine may take to stop once told to. */
  graceMs: number;
  /** The caller's signal (optional): its abort is passed on as it is. */
  parent?: AbortSignal | undefined;
  /** The abort reason the engine sees at the timeout (engines quote it: "stopped before …: REASON"). */
  reason: string;
}

// Not AbortSignal.any(): on Node 20 a signal composed with a long-lived one (the service's
// shutdown signal) stays referenced by it for ever (docs/performance.md).
export function startRunDeadline(options: RunDeadlineOptions): RunDeadline {
  const controller = new AbortController();
  let timedOut = false;
  // A timeout may be weeks long: Node's own timers would fire at once past ~24.8 days.
  const timer = setLongTimeout(() => {
    timedOut = true;
    controller.abort(options.reason);
  }, options.timeoutMs);
  const onParentAbort = () => controller.abort(options.parent?.reason);
  if (options.parent?.aborted) onParentAbort();
  else options.parent?.addEventListener('abort', onParentAbort, { once: true });

  let graceTimer: NodeJS.Timeout | undefined;
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    settle<T>(work: Promise<T>): Promise<T | typeof ABANDONED> {
      const abandoned = new Promise<typeof ABANDONED>((resolve) => {
        const startGrace = () => {
          graceTimer = setTimeout(() => resolve(ABANDONED), options.graceMs);
        };
        if (controller.signal.aborted) startGrace();
        else controller.signal.addEventListener('abort', startGrace, { once: true });
      });
      return Promise.race([work, abandoned]);
    },
    dispose() {
      timer.cancel();
      clearTimeout(graceTimer);
      options.parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** A run the timeout stopped is `incomplete`, and says so first (unless it completed as the clock struck). */
export function timedOutResult(result: EngineRunResult, setName: string, timeoutMs: number): EngineRunResult {
  if (result.status !== 'failed' && result.status !== 'incomplete') return result;
  const reason = { severity: 'error' as const, message: `did not finish within the timeout of ${formatDuration(timeoutMs)} (sets.${setName}.timeout); it was stopped` };
  return { ...result, status: 'incomplete', counters: { ...result.counters, errors: result.counters.errors + 1 }, log: [reason, ...result.log] };
}

/** The engine did not return after being stopped: it is blocked where it cannot see the signal. */
export function abandonedResult(engine: string, graceMs: number): EngineRunResult {
  return {
    status: 'incomplete',
    counters: { ...ZERO_COUNTERS, errors: 1 },
    log: [
      {
        severity: 'error',
        message: `the ${engine} engine did not stop within ${formatDuration(graceMs)} of being stopped: something it reads or writes does not answer (a hung network mount, a FIFO, a dead disk); the run was abandoned and nothing new was recorded as backed up`,
      },
    ],
  };
}
