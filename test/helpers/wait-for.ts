/**
 * The one polling wait of the test suite. Its limit is a bound on how long a test may hang, not a
 * timing assertion: keep it generous (the machine may be loaded).
 */
export interface WaitForOptions {
  /** Give up (and fail) after this long. */
  timeoutMs?: number;
  /** Named in the failure: "gave up waiting for <what>". */
  what?: string;
  /** Pause between checks. */
  everyMs?: number;
}

/** Resolves once `condition()` is true; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, options: WaitForOptions = {}): Promise<void> {
  const { timeoutMs = 20_000, what = 'the condition', everyMs = 50 } = options;
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Resolves once `read()` matches `pattern`; the failure shows what was read last. */
export async function waitForText(read: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  try {
    await waitFor(() => pattern.test(read()), { timeoutMs, what: String(pattern), everyMs: 100 });
  } catch (error) {
    throw new Error(`${(error as Error).message}; got:\n${read()}`);
  }
}
