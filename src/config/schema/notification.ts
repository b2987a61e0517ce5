import { z } from 'zod';
import { duration, recipientRef } from './common.js';
import { ANOMALY_MODES } from '../../domain/anomalies.js';
import { RUN_STATUSES, DETAIL_LEVELS } from '../../domain/run-status.js';

export const notifyRule = z.strictObject({
  on: z.array(z.enum(RUN_STATUSES, { error: `must be one of ${RUN_STATUSES.join(', ')}` })).optional(),
  to: z.array(recipientRef).optional(),
  pager: z.array(recipientRef).optional(),
  detail: z.enum(DETAIL_LEVELS, { error: `must be one of ${DETAIL_LEVELS.join(', ')}` }).optional(),
  subject: z.string().min(1).optional(),
  after: z.number().int().min(1).optional(),
});
export type NotifyRule = z.output<typeof notifyRule>;

export const notification = z
  .strictObject({
    admins: z.array(recipientRef).default([]),
    pager: z.array(recipientRef).default([]),
    defaults: notifyRule.prefault({}),
    remindEvery: duration('24h'),
    escalateAfter: duration('15m'),
    /** Critical failures arriving within this of the first alert are held and sent as one message; 0s turns grouping off. */
    stormWindow: duration('30s'),
    /**
     * A successful run far smaller than usual (0 files where there usually are many, size down 90 %
     * or more: an unmounted source): `alert` at once (a backup-anomaly service fault), only list it
     * in the `summary`, or `off` (neither).
     */
    anomalies: z.enum(ANOMALY_MODES, { error: 'must be one of alert, summary, off' }).default('alert'),
    /** A directory of template overrides (relative to vigil.yaml); missing files come from the shipped set. */
    templates: z.string().min(1).optional(),
  })
  .prefault({});
