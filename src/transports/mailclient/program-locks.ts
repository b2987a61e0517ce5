/**
 * One hand-off per program at a time (the seed: "make sure no other MAPI client applications are
 * executed"). Keyed by the program's real path, so /usr/sbin/sendmail and the program it links
 * to share a lock. In-process only: the service is the one process that delivers.
 */
export class ProgramLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Waits for the program to be free, at most until `signal` aborts; resolves to a release
   * function, or to undefined when the wait was abandoned (the lock is then not held).
   */
  async acquire(key: string, signal: AbortSignal): Promise<(() => void) | undefined> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The next waiter queues behind us whether or not we give up: giving up releases at once.
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });

    const gotIt = await new Promise<boolean>((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = () => resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
      void previous.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      });
    });
    if (!gotIt || signal.aborted) {
      release();
      return undefined;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  }

  /** Programs with a hand-off running or waiting (for the doctor and tests). */
  busy(): string[] {
    return [...this.tails.keys()];
  }
}
