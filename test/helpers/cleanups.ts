import { after } from 'node:test';

/** Undoes one thing a test set up: stops a peer, kills a process by PID, drops a database. */
export type Cleanup = () => unknown;

export interface Cleanups {
  /** Registers what to undo when the file ends: the last registered runs first. */
  push(...cleanups: Cleanup[]): void;
}

/** Long enough for the slowest (a cluster's fast shutdown, which falls back to SIGKILL at 20 s). */
export const CLEANUP_DEADLINE_MS = 60_000;

/**
 * The test files' list of what to undo, run in reverse once every test of the file has ended (a
 * node:test `after` hook). Each cleanup runs even when one before it threw or missed its
 * deadline — a peer that would not stop must not leave a cluster or a vigil process behind —
 * and the hook then fails, naming every cleanup that did.
 *
 * One list a file: its `after` hook is the file's last word (usePostgres registers on it too).
 */
export function withCleanups(deadlineMs = CLEANUP_DEADLINE_MS): Cleanups {
  const list: Cleanup[] = [];
  after(() => runCleanups(list.splice(0), deadlineMs));
  return { push: (...cleanups) => void list.push(...cleanups) };
}

/** Runs `list` last first, each within `deadlineMs`; rejects once all have run if any failed. */
export async function runCleanups(list: readonly Cleanup[], deadlineMs = CLEANUP_DEADLINE_MS): Promise<void> {
  const failures: Error[] = [];
  for (const cleanup of [...list].reverse()) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`did not finish within ${deadlineMs} ms`)), deadlineMs);
    });
    try {
      await Promise.race([Promise.resolve().then(cleanup), late]);
    } catch (error) {
      // Whatever it threw: a stop() may reject with no Error at all, and the cleanups after it still run.
      const why = error instanceof Error ? error.message : String(error);
      failures.push(new Error(`cleanup \`${nameOf(cleanup)}\`: ${why}`, { cause: error }));
    } finally {
      clearTimeout(timer);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} cleanups failed: ${failures.map((f) => f.message).join('; ')}`);
}

/** The cleanup's source, on one line: `() => relay.stop()` says which one it was. */
function nameOf(cleanup: Cleanup): string {
  const source = String(cleanup).replace(/\s+/g, ' ');
  return source.length > 120 ? `${source.slice(0, 117)}...` : source;
}
