/**
 * Calls `fn` at most once per `intervalMs` with the latest arguments; `flush()` delivers the last
 * pending call at once. For progress callbacks ("at most a few times a second").
 */
export function throttle<A extends unknown[]>(intervalMs: number, fn: (...args: A) => void): ((...args: A) => void) & { flush(): void } {
  let last = 0;
  let pending: A | undefined;
  const call = (...args: A) => {
    const now = performance.now();
    if (now - last >= intervalMs) {
      last = now;
      pending = undefined;
      fn(...args);
    } else {
      pending = args;
    }
  };
  call.flush = () => {
    if (pending) {
      const args = pending;
      pending = undefined;
      fn(...args);
    }
  };
  return call;
}
