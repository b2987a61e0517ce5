import { z } from 'zod';
import { duration } from './common.js';
import { formatDuration } from '../duration.js';

/** Below this a busy host (a long pause of its event loop, a slow database) would look dead. */
export const MIN_SILENT_AFTER_MS = 5_000;

/**
 * `fleet`: hosts that share one store (docs/fleet.md). Each service heartbeats its host; the
 * leader reports a host not seen for `silentAfter` (a critical `host-silent` alert), and again
 * when it is back.
 */
export const fleet = z
  .strictObject({
    silentAfter: duration('10m').refine((ms) => ms >= MIN_SILENT_AFTER_MS, {
      error: (iss) => `${formatDuration(Number(iss.input))} is shorter than 5s (a host heartbeats every few seconds); write e.g. silentAfter: 10m`,
    }),
  })
  .prefault({});

export type FleetConfig = z.output<typeof fleet>;
