import { z } from 'zod';
import { ACTIVITY_KINDS, ACTIVITY_STATUSES } from '../../domain/activity.js';
import { MESSAGE_STATES } from '../../domain/message.js';
import { CONSOLE_PREVIEW_KINDS } from '../data/previews.js';

/**
 * What each /api/v1 route takes in its path and query (docs/api.md): the OpenAPI document's
 * parameter objects are generated from these (openapi.ts), as its answers are from schemas.ts.
 * A path's every `{name}` needs its field in the route's `path` object — openapi.ts refuses a
 * document where the two disagree. The routes read the same names (routes.ts, data/*.ts); an
 * unknown or malformed value is ignored there (the default applies), never an error.
 */
export interface RouteParameters {
  path?: z.ZodObject;
  query?: z.ZodObject;
}

const limit = (fallback: string) => z.number().int().min(1).max(1_000).optional().describe(`how many, 1–1000; ${fallback}`);
const host = (what: string) => z.string().optional().describe(`only the ${what} this host (a fleet sharing one store)`);
const sets = z.array(z.string()).optional().describe('a set; repeat it for several (set=a&set=b); none: every set');

export const PARAMETERS = {
  sets: {
    query: z.object({
      offset: z.number().int().min(0).optional().describe('sets to skip, default 0'),
      limit: limit('default every set'),
      anomalies: z.enum(['1', 'true']).optional().describe('fill each set’s anomalies (reads ~60 runs a set); default empty lists'),
    }),
  },
  set: { path: z.object({ name: z.string().describe('a backup set (sets.<name> of vigil.yaml)') }) },
  activity: {
    query: z.object({
      set: z.string().optional().describe('a set name'),
      kind: z.enum(ACTIVITY_KINDS).optional().describe('an activity kind'),
      status: z.enum(ACTIVITY_STATUSES).optional().describe('a run status'),
      since: z.string().optional().describe('a duration back from now: 24h, 7d'),
      host: host('activities that ran on'),
      limit: limit('default 100'),
    }),
  },
  run: {
    path: z.object({ id: z.number().int().describe('an activity id (the id of GET /api/v1/activity)') }),
    query: z.object({ q: z.string().optional().describe('keep the log entries whose message or path contains this text (any case)') }),
  },
  outbox: {
    query: z.object({
      state: z.enum([...MESSAGE_STATES, 'stuck']).optional().describe('a message state, or stuck (pending longer than mail.stuckAfter)'),
      profile: z.string().optional().describe('a Mail Profile, or channel:<name>'),
      host: host('messages enqueued by'),
      limit: limit('default 100'),
    }),
  },
  message: { path: z.object({ id: z.string().describe('an Outbox message id (vigil outbox list)') }) },
  deferred: { path: z.object({ profile: z.string().describe('a Mail Profile, or channel:<name> for a channel') }) },
  preview: {
    path: z.object({ kind: z.enum(CONSOLE_PREVIEW_KINDS).describe('an alert kind, or summary-daily / summary-weekly') }),
    query: z.object({ set: z.string().optional().describe('the set an alert sample is about; default the first set') }),
  },
  pause: {
    query: z.object({
      set: sets,
      for: z.string().optional().describe('a duration (2h, 1d); none: until resumed'),
    }),
  },
  resume: { query: z.object({ set: sets }) },
  route: { path: z.object({ name: z.string().describe('a Mail Profile (profiles.<name>) or a channel (channels.<name>)') }) },
} satisfies Record<string, RouteParameters>;
