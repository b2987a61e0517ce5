import { z } from 'zod';
import { notifyRule } from './notification.js';
import { duration } from './common.js';
import { setPing } from './ping.js';

/**
 * The keys every backup set has, whatever its engine; each engine's own keys are in its folder
 * (src/backup/engines/<engine>/config.ts), which spreads these in.
 */
export const setCommon = {
  schedule: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  notify: notifyRule.optional(),
  /** Heartbeat pings to an outside checker at the run's start and end (docs/heartbeats.md). */
  ping: setPing.optional(),
  /**
   * A run still going after this long is stopped and recorded `incomplete`, whatever the engine:
   * the runner enforces it (src/backup/run-deadline.ts). Nothing waits forever.
   */
  timeout: duration('12h'),
};

/** How many snapshots retention keeps (restic's `forget` rules). */
export const keepPolicy = z.strictObject({
  last: z.number().int().min(0).optional(),
  daily: z.number().int().min(0).optional(),
  weekly: z.number().int().min(0).optional(),
  monthly: z.number().int().min(0).optional(),
});

/**
 * Retention of the engines that have it: `keep:` is applied after each successful backup, or,
 * with `prune:` (a cron expression), on that schedule instead (src/backup/retention-run.ts).
 */
export const retention = {
  keep: keepPolicy.optional(),
  prune: z.string().min(1).optional(),
};

/** Settings every engine that runs a program shares: where, and with what environment. */
export const processSettings = {
  /** Working directory of the program (default: dataDir). */
  cwd: z.string().min(1).optional(),
  /** Added to (and overriding) the service's environment. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'environment variable names use letters, digits and "_"' }), z.string()).default({}),
};
