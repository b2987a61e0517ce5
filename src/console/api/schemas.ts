import { z } from 'zod';
import { ANOMALY_MODES } from '../../domain/anomalies.js';
import { ACTIVITY_KINDS, ACTIVITY_STATUSES } from '../../domain/activity.js';
import { MESSAGE_STATES, SEVERITIES } from '../../domain/message.js';

/**
 * The JSON API's shapes (docs/api.md). Every response is parsed through its schema on the way
 * out, so a field not listed here (a credential that found its way into a row) never leaves, and
 * the OpenAPI document (openapi.ts) is generated from these same schemas.
 */
const ms = z.number().int().describe('milliseconds since the Unix epoch');
const tone = z.enum(['bad', 'warn', 'ok', 'running', 'none']);

export const setSchema = z.object({
  name: z.string(),
  engine: z.string(),
  schedule: z.string().nullable(),
  nextRunAt: ms.nullable(),
  status: z.enum([...ACTIVITY_STATUSES, 'never-run']),
  tone,
  running: z.boolean(),
  lastRun: z.object({ activityId: z.number().int(), status: z.string(), startedAt: ms, endedAt: ms, firstError: z.string().nullable() }).nullable(),
  lastSuccess: z
    .object({ activityId: z.number().int(), endedAt: ms, durationMs: z.number(), files: z.number(), bytesScanned: z.number(), bytesNew: z.number() })
    .nullable(),
  trend: z.array(z.object({ label: z.string().describe('MM-DD in the Admin timezone'), state: z.enum(['none', 'bad', 'partial', 'ok']) })),
  anomalies: z
    .array(z.object({ metric: z.enum(['files', 'bytes', 'duration']), activityId: z.number().int(), value: z.number(), usual: z.number(), runs: z.number().int() }))
    .describe('successful runs of the last 24 hours far from the set’s usual (the Daily summary’s anomalies)'),
});
export const setsResponse = z.object({
  sets: z.array(setSchema).describe('needing a look first: failures, warnings, never run, then the rest'),
  total: z.number().int().describe('sets matched before paging'),
  byTone: z.record(tone, z.number().int()).describe('how many of all the matched sets (not only this page) have each tone'),
  offset: z.number().int(),
});

const counters = z.object({ files: z.number(), bytesScanned: z.number(), bytesNew: z.number(), errors: z.number(), warnings: z.number() });
export const activitySchema = z.object({
  id: z.number().int(),
  kind: z.enum(ACTIVITY_KINDS),
  set: z.string().nullable(),
  engine: z.string().nullable(),
  trigger: z.string(),
  status: z.enum(ACTIVITY_STATUSES),
  startedAt: ms,
  endedAt: ms.nullable(),
  scheduledFor: ms.nullable(),
  counters,
  firstError: z.string().nullable(),
  host: z.string().nullable().describe('the host it ran on (a fleet sharing one store); null in rows older than the fleet'),
  snapshotId: z.string().nullable(),
  logDropped: z.number().int(),
});
export const activityResponse = z.object({ activities: z.array(activitySchema) });
export const runResponse = z.object({
  activity: activitySchema,
  log: z.array(z.object({ seq: z.number().int(), severity: z.enum(SEVERITIES), message: z.string(), path: z.string().nullable() })),
  logTotal: z.number().int().describe('entries before the search filter'),
});

export const messageSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  kind: z.string(),
  severity: z.enum(SEVERITIES),
  priority: z.number().int(),
  profile: z.string(),
  envelope: z.object({ from: z.string(), to: z.array(z.string()) }),
  subject: z.string(),
  state: z.enum(MESSAGE_STATES),
  createdAt: ms,
  updatedAt: ms,
  nextAttemptAt: ms,
  attempts: z.number().int(),
  lastOutcome: z.string().nullable(),
  lastError: z.string().nullable(),
  possibleDuplicate: z.boolean(),
  sentAt: ms.nullable(),
  host: z.string().nullable().describe('the host that enqueued it (a fleet sharing one store); null in rows older than the fleet'),
  deliveredBy: z
    .string()
    .nullable()
    .default(null)
    .describe('the host whose attempt delivered it (sent or queued locally): with a shared Outbox not always the one that enqueued it; null until delivered, and in rows older than the hand-over'),
});
export const outboxResponse = z.object({ messages: z.array(messageSchema) });
export const attemptSchema = z.object({
  startedAt: ms,
  durationMs: z.number(),
  transport: z.string(),
  server: z.string().nullable(),
  outcome: z.string(),
  replyCode: z.number().nullable(),
  replyText: z.string().nullable(),
  detail: z.string(),
  errorCode: z.string().nullable(),
  transcript: z.string().describe('redacted: credentials are replaced by ***'),
  host: z.string().nullable().describe('the host that made the attempt (with a shared Outbox not always the one that enqueued it); null in attempts older than the hand-over and in ambiguous ones recorded for a deliverer that stopped'),
});
export const messageResponse = z.object({ message: messageSchema, attempts: z.array(attemptSchema) });

export const routeSchema = z.object({
  name: z.string(),
  kind: z.enum(['profile', 'channel']),
  type: z.string(),
  endpoint: z.string().nullable().describe('a channel URL’s origin only; "(secret)" when the URL is a secret'),
  paused: z.boolean(),
  pausedUntil: ms.nullable(),
  pauseReason: z.string().nullable(),
  verifiedAt: ms.nullable(),
  last: z.object({ id: z.string(), state: z.enum(MESSAGE_STATES), at: ms, kind: z.string(), error: z.string().nullable() }).nullable(),
});
export const channelsResponse = z.object({
  byState: z.record(z.enum(MESSAGE_STATES), z.number().int()),
  stuck: z.number().int(),
  oldestCriticalPendingAt: ms.nullable(),
  unreportedEscalations: z.number().int(),
  routes: z.array(routeSchema),
});

export const actionResponse = z.object({ ok: z.boolean(), message: z.string(), id: z.string().optional().describe('the message or activity the action created or changed') });
export const errorResponse = z.object({ error: z.string(), code: z.string().optional() });

export const previewResponse = z.object({
  kind: z.string().describe('an alert kind (backup-alert, backup-recovery, pager, storm, escalation, service-fault) or summary-daily / summary-weekly'),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  pager: z.string().nullable().describe('the pager line that goes with it, when one does'),
  set: z.string().nullable().describe('the set an alert sample is about; null for a summary'),
});

export const pausesResponse = z.object({
  pauses: z.array(z.object({ set: z.string().describe('a set, or * for every set'), since: ms, until: ms.nullable().describe('null: until resumed') })).describe('maintenance pauses of alerts in force (vigil pause)'),
});

/** A host of the fleet: the fields of `vigil hosts --json` (src/admin/host-listing.ts). */
export const hostSchema = z.object({
  name: z.string(),
  version: z.string(),
  startedAt: ms,
  sets: z.array(z.object({ name: z.string(), schedule: z.string().nullable(), timezone: z.string().optional() })),
  lastSeen: ms,
  stoppedAt: ms.nullable().describe('when it last stopped cleanly; null while it runs or after a crash'),
  state: z.enum(['ok', 'silent', 'stopped']).describe('silent: not heard from for fleet.silentAfter (or stopped past its next scheduled run)'),
  since: ms.nullable().describe('when the silence or stop began; null when ok'),
  leader: z.boolean().describe('holds the leader lease (runs the fleet duties)'),
  silentAlerted: z.boolean().describe('the host-silence alert for this silence has been sent'),
  anomalies: z.enum(ANOMALY_MODES).optional().describe('its notification.anomalies, by which the fleet summary judges its runs; absent when it published none'),
});
export const hostsResponse = z.object({ hosts: z.array(hostSchema).describe('silent first, then stopped, then by name') });
