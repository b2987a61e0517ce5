import { z } from 'zod';
import { pausesResponse, previewResponse, actionResponse, activityResponse, channelsResponse, errorResponse, messageResponse, outboxResponse, runResponse, setsResponse, hostsResponse } from './schemas.js';

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the schemas the routes parse their
 * answers with, so the document cannot drift from what is served. Served at
 * /api/v1/openapi.json; docs/api.md describes the same.
 */
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) } } });
const errors = {
  401: json(errorResponse, 'not authenticated (no session, no token, or a wrong token)'),
  404: json(errorResponse, 'not found'),
};
const writeErrors = { ...errors, 403: json(errorResponse, 'a read-only token, a read-only console, or a missing/wrong CSRF token'), 409: json(actionResponse, 'busy (the set is already running)') };
const read = (summary: string, schema: z.ZodType, parameters: object[] = []) => ({ get: { summary, parameters, responses: { 200: json(schema, 'OK'), ...errors } } });
const write = (summary: string) => ({ post: { summary, parameters: [], responses: { 200: json(actionResponse, 'done; ok false when the action did not succeed (a test not accepted)'), ...writeErrors } } });
const q = (name: string, description: string) => ({ name, in: 'query', required: false, schema: { type: 'string' }, description });
const p = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

let cached: object | undefined;

export function openApiDocument(): object {
  cached ??= {
    openapi: '3.1.0',
    info: { title: 'Vigil console API', version: '1' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'a token of console.tokens (scope read)' },
        session: { type: 'apiKey', in: 'cookie', name: 'vigil_session', description: 'a logged-in session; state changes also need the X-CSRF-Token header' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths: {
      '/api/v1/sets': read('the backup sets, needing a look first', setsResponse, [q('offset', 'sets to skip, default 0'), q('limit', '1–1000; default every set'), q('anomalies', '1: fill each set’s anomalies (reads ~60 runs a set); default empty lists')]),
      '/api/v1/sets/{name}': read('one backup set', setsResponse, [p('name')]),
      '/api/v1/sets/{name}/run': write('run the set now (manual run)'),
      '/api/v1/activity': read('the activity log, newest first', activityResponse, [q('set', 'a set name'), q('kind', 'backup, restore, validation, prune, repair, admin'), q('status', 'a run status'), q('since', 'a duration: 24h, 7d'), q('host', 'the activities of this host only'), q('limit', '1–1000, default 100')]),
      '/api/v1/runs/{id}': read('one run with its log', runResponse, [p('id'), q('q', 'keep log entries containing this text')]),
      '/api/v1/outbox': read('Outbox messages, newest first', outboxResponse, [q('state', 'a message state, or stuck'), q('profile', 'a profile, or channel:<name>'), q('host', 'the messages this host enqueued only'), q('limit', '1–1000, default 100')]),
      '/api/v1/outbox/{id}': read('one message with every attempt (transcripts redacted)', messageResponse, [p('id')]),
      '/api/v1/outbox/{id}/retry': write('make the message due now'),
      '/api/v1/outbox/deferred/{profile}/retry': write('make every deferred message of a profile (or channel:<name>) due now'),
      '/api/v1/previews/{kind}': read('a message as it would be sent: a sample of an alert kind, or the Daily/Weekly summary now (vigil notify preview, vigil admin daily --preview)', previewResponse, [p('kind'), q('set', 'the set an alert sample is about; default the first set')]),
      '/api/v1/pauses': read('maintenance pauses of alerts in force', pausesResponse),
      '/api/v1/pause': write('pause alerts for maintenance (vigil pause): query set (repeatable; none: every set) and for (a duration; none: until resumed)'),
      '/api/v1/resume': write('end maintenance pauses (vigil resume): query set (repeatable; none: every pause)'),
      '/api/v1/channels': read('Outbox counts, Mail Profiles and channels with their last result', channelsResponse),
      '/api/v1/hosts': read('the hosts sharing this store with their state, version, last seen and sets; the leader marked (vigil hosts --json)', hostsResponse),
      '/api/v1/channels/{name}/test': write('send a test through a Mail Profile or channel'),
    },
  };
  return cached;
}
