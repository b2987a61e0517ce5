import { Hono } from 'hono';
import type { z } from 'zod';
import type { ConsoleEnv } from '../auth.js';
import { requireReader, requireWriter, type ConsoleDeps } from '../deps.js';
import { listActivity, loadRun, parseActivityQuery } from '../data/activity.js';
import { loadDelivery } from '../data/delivery.js';
import { clampLimit, listMessages, loadMessage, parseOutboxQuery } from '../data/outbox.js';
import { loadSets } from '../data/sets.js';
import { pauseNow, resumeNow, retryDeferred, retryMessage, runSetNow, sendTest, type ActionResult } from '../actions.js';
import { pausesResponse, previewResponse, activityResponse, actionResponse, channelsResponse, messageResponse, outboxResponse, runResponse, setsResponse, hostsResponse } from './schemas.js';
import { loadHosts } from '../data/hosts.js';
import { openApiDocument } from './openapi.js';
import { isPreviewKind, loadPreview } from '../data/previews.js';
import { isVigilError } from '../../domain/errors.js';

/** `/api/v1/…`: the JSON API (docs/api.md). Reads need a session or a token; changes a session and its CSRF token. */
export function apiRoutes(deps: ConsoleDeps): Hono<ConsoleEnv> {
  const api = new Hono<ConsoleEnv>();
  // Parsing through the schema drops anything not documented (see schemas.ts).
  const send = <S extends z.ZodType>(schema: S, body: unknown, status: 200 | 400 | 404 | 409 | 500 = 200) => new Response(JSON.stringify(schema.parse(body)), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
  const notFound = (what: string) => new Response(JSON.stringify({ error: `${what} not found`, code: 'not-found' }), { status: 404, headers: { 'content-type': 'application/json; charset=utf-8' } });

  api.get('/openapi.json', (c) => c.json(openApiDocument()));
  api.use('*', requireReader);

  api.get('/sets', async (c) => {
    // Anomalies read ~60 successful runs a set: asked for, not paid by every script listing sets.
    const limit = c.req.query('limit');
    return send(setsResponse, await loadSets(deps.app(), { trend: true, anomalies: c.req.query('anomalies') === '1' || c.req.query('anomalies') === 'true', offset: clampLimit(c.req.query('offset'), 0, Number.MAX_SAFE_INTEGER), ...(limit ? { limit: clampLimit(limit, 1_000) } : {}) }));
  });
  api.get('/sets/:name', async (c) => {
    const found = await loadSets(deps.app(), { only: c.req.param('name'), trend: true, anomalies: true });
    return found.total ? send(setsResponse, found) : notFound(`set ${c.req.param('name')}`);
  });
  api.get('/activity', async (c) => send(activityResponse, { activities: await listActivity(deps.app(), parseActivityQuery(c.req.query())) }));
  api.get('/runs/:id', async (c) => {
    const run = await loadRun(deps.app(), Number(c.req.param('id')), c.req.query('q'));
    return run ? send(runResponse, run) : notFound(`run ${c.req.param('id')}`);
  });
  api.get('/outbox', async (c) => send(outboxResponse, { messages: await listMessages(deps.app(), parseOutboxQuery(c.req.query())) }));
  api.get('/outbox/:id', async (c) => {
    const found = await loadMessage(deps.app(), c.req.param('id'));
    return found ? send(messageResponse, found) : notFound(`message ${c.req.param('id')}`);
  });
  api.get('/previews/:kind', async (c) => {
    const kind = c.req.param('kind');
    if (!isPreviewKind(kind)) return notFound(`preview ${kind}`);
    try {
      return send(previewResponse, await loadPreview(deps.app(), kind, c.req.query('set') || undefined));
    } catch (error) {
      if (!isVigilError(error)) throw error;
      // The codes docs/api.md promises, not the registry's: the message says what went wrong.
      const unknownSet = error.code === 'ERR_SET_UNKNOWN';
      return new Response(JSON.stringify({ error: error.message, code: unknownSet ? 'not-found' : 'internal' }), { status: unknownSet ? 404 : 500, headers: { 'content-type': 'application/json; charset=utf-8' } });
    }
  });
  api.get('/pauses', async () => send(pausesResponse, { pauses: await deps.app().store.alertPauses.active(deps.app().clock.now()) }));
  api.get('/channels', async () => send(channelsResponse, await loadDelivery(deps.app())));
  api.get('/hosts', async () => send(hostsResponse, { hosts: await loadHosts(deps.app()) }));

  const writer = requireWriter(deps);
  const answer = (r: ActionResult) => send(actionResponse, { ok: r.ok, message: r.message, ...(r.id ? { id: r.id } : {}) }, r.status);
  api.post('/outbox/:id/retry', writer, async (c) => answer(await retryMessage(deps.app(), c.req.param('id'))));
  api.post('/outbox/deferred/:profile/retry', writer, async (c) => answer(await retryDeferred(deps.app(), c.req.param('profile'))));
  api.post('/pause', writer, async (c) => answer(await pauseNow(deps.app(), c.req.queries('set') ?? [], c.req.query('for'))));
  api.post('/resume', writer, async (c) => answer(await resumeNow(deps.app(), c.req.queries('set') ?? [])));
  api.post('/sets/:name/run', writer, async (c) => answer(await runSetNow(deps.app(), c.req.param('name'))));
  api.post('/channels/:name/test', writer, async (c) => answer(await sendTest(deps.app(), c.req.param('name'))));
  return api;
}
