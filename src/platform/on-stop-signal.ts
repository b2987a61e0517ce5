import { constants } from 'node:os';

/** The signals that ask Vigil to stop: Ctrl-C at a terminal, and `kill`/systemd. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

export interface StopSignalOptions {
  /** Called just before a second signal ends the process: say why (stderr, the log). */
  onForce?: (signal: StopSignal) => void;
  /**
   * The status a second signal exits with. Default: 128 + the signal's number (130 for SIGINT,
   * 143 for SIGTERM), what a shell reports for a process the signal killed.
   */
  forceExitCode?: number;
}

/**
 * The one SIGINT/SIGTERM handler of Vigil's long-running commands (`vigil start`, `run`, the
 * vault commands, `console`).
 *
 * The first signal calls `onStop` once: the caller begins a graceful stop (abort the work, finish
 * its records, close the database). A second signal while that stop is under way ends the process
 * at once: whoever asked twice does not want to wait, and a stop stuck on a dead mount must not
 * leave them only SIGKILL. What a forced exit leaves unfinished (an activity still `running`, a
 * claimed message) is what a crash leaves, and the next start's recovery handles it.
 *
 * Returns a disposer (idempotent) that removes the listeners: call it once the stop is done, so
 * that a later signal has its default effect again and a finished command never swallows one.
 */
export function onStopSignal(onStop: (signal: StopSignal) => void, options: StopSignalOptions = {}): () => void {
  let stopping = false;
  const listener = (signal: StopSignal) => {
    if (stopping) {
      options.onForce?.(signal);
      process.exit(options.forceExitCode ?? 128 + constants.signals[signal]);
    }
    stopping = true;
    onStop(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, listener);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, listener);
  };
}

/** How a stop signal is named to a person: Ctrl-C is what they pressed. */
export function describeStopSignal(signal: StopSignal): string {
  return signal === 'SIGINT' ? 'Ctrl-C (SIGINT)' : signal;
}
