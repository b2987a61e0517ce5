import { z } from 'zod';
import { PARAMETERS, type RouteParameters } from './parameters.js';
import { pausesResponse, previewResponse, actionResponse, activityResponse, channelsResponse, errorResponse, messageResponse, outboxResponse, runResponse, setsResponse, hostsResponse } from './schemas.js';

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the schemas the routes parse their
 * answers with, so the document cannot drift from what is served. Served at
 * /api/v1/openapi.json; docs/api.md describes the same.
 */
/** A schema as the document's JSON Schema (its dialect is the document's own: no $schema in each). */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema: jsonSchema(schema, 'output') } } });
const errors = {
  401: json(errorResponse, 'not authenticated (no session, no token, or a wrong token)'),
  429: json(errorResponse, 'rate-limited: five wrong tokens or logins from this address within 15 minutes (Retry-After says when to try again)'),
};
const readErrors = { ...errors, 404: json(errorResponse, 'not found'), 500: json(errorResponse, 'internal: the service log has the details') };
// A change answers its own failures as { ok: false, message }; the gatekeepers' refusals are errors.
const writeErrors = {
  ...errors,
  400: json(actionResponse, 'a bad value (a duration that does not parse)'),
  403: json(errorResponse, 'a read-only token, a read-only console, or a missing/wrong CSRF token'),
  404: json(actionResponse, 'no such message, set, Mail Profile or channel'),
  409: json(actionResponse, 'busy (the set is already running)'),
  500: json(z.union([actionResponse, errorResponse]), 'the action failed ({ ok: false, message }), or an internal error'),
};

interface ParameterObject {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description: string | undefined;
  schema: Record<string, unknown>;
}

/** The parameter objects of one route, from its schemas (parameters.ts); every path parameter is required. */
function parameters(route: RouteParameters): ParameterObject[] {
  const from = (where: 'path' | 'query', object: z.ZodObject | undefined) =>
    Object.entries(object?.shape ?? {}).map(([name, field]) => ({ name, in: where, required: where === 'path' || !field.isOptional(), description: field.description, schema: jsonSchema(field, 'input') }));
  return [...from('path', route.path), ...from('query', route.query)];
}
const read = (summary: string, schema: z.ZodType, route: RouteParameters = {}) => ({ get: { summary, parameters: parameters(route), responses: { 200: json(schema, 'OK'), ...readErrors } } });
const write = (summary: string, route: RouteParameters = {}) => ({
  post: { summary, parameters: parameters(route), responses: { 200: json(actionResponse, 'done; ok false when the action did not succeed (a test not accepted)'), ...writeErrors } },
});

/** Each `{name}` of a path and the route's path parameters are the same names, or the document is refused. */
function checked<P extends Record<string, Record<string, { parameters: Array<{ name: string; in: string }> }>>>(paths: P): P {
  for (const [path, item] of Object.entries(paths)) {
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const [method, op] of Object.entries(item)) {
      const declared = op.parameters.filter((p) => p.in === 'path').map((p) => p.name).sort();
      if (templated.join() !== declared.join()) throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} declares path parameters [${declared.join(', ')}]`);
    }
  }
  return paths;
}

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
    paths: checked({
      '/api/v1/openapi.json': { get: { summary: 'this document (no login needed: it holds no data)', security: [], parameters: [], responses: { 200: { description: 'the OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } } },
      '/api/v1/sets': read('the backup sets, needing a look first', setsResponse, PARAMETERS.sets),
      '/api/v1/sets/{name}': read('one backup set', setsResponse, PARAMETERS.set),
      '/api/v1/sets/{name}/run': write('run the set now (manual run)', PARAMETERS.set),
      '/api/v1/activity': read('the activity log, newest first', activityResponse, PARAMETERS.activity),
      '/api/v1/runs/{id}': read('one run with its log', runResponse, PARAMETERS.run),
      '/api/v1/outbox': read('Outbox messages, newest first', outboxResponse, PARAMETERS.outbox),
      '/api/v1/outbox/{id}': read('one message with every attempt (transcripts redacted)', messageResponse, PARAMETERS.message),
      '/api/v1/outbox/{id}/retry': write('make the message due now', PARAMETERS.message),
      '/api/v1/outbox/deferred/{profile}/retry': write('make every deferred message of a profile (or channel:<name>) due now', PARAMETERS.deferred),
      '/api/v1/previews/{kind}': read('a message as it would be sent: a sample of an alert kind, or the Daily/Weekly summary now (vigil notify preview, vigil admin daily --preview)', previewResponse, PARAMETERS.preview),
      '/api/v1/pauses': read('maintenance pauses of alerts in force', pausesResponse),
      '/api/v1/pause': write('pause alerts for maintenance (vigil pause)', PARAMETERS.pause),
      '/api/v1/resume': write('end maintenance pauses (vigil resume)', PARAMETERS.resume),
      '/api/v1/channels': read('Outbox counts, Mail Profiles and channels with their last result', channelsResponse),
      '/api/v1/hosts': read('the hosts sharing this store with their state, version, last seen and sets; the leader marked (vigil hosts --json)', hostsResponse),
      '/api/v1/channels/{name}/test': write('send a test through a Mail Profile or channel', PARAMETERS.route),
    }),
  };
  return cached;
}
