/**
 * Time as the core sees it. The domain never reads the wall clock itself: it is handed a Clock,
 * so tests can move time forwards and backwards.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
