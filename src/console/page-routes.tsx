import { Hono, type Context } from 'hono';
import type { ConsoleEnv } from './auth.js';
import { pageContext, render, requirePageReader, requireWriter, type ConsoleDeps } from './deps.js';
import { listActivity, loadRun, parseActivityQuery } from './data/activity.js';
import { loadDelivery, loadRoutes } from './data/delivery.js';
import { listMessages, loadMessage, parseOutboxQuery } from './data/outbox.js';
import { loadSets, OVERVIEW_PAGE_SIZE } from './data/sets.js';
import { clampLimit } from './data/outbox.js';
import { pauseNow, resumeNow, retryDeferred, retryMessage, runSetNow, sendTest, type ActionResult } from './actions.js';
import { OverviewPage } from './pages/overview.js';
import { HostsPage } from './pages/hosts.js';
import { isFleet, loadHosts } from './data/hosts.js';
import { ActivityPage, RunPage } from './pages/activity.js';
import { MessagePage, OutboxPage } from './pages/outbox.js';
import { NotificationsPage } from './pages/notifications.js';
import { Layout } from './pages/layout.js';
import { PreviewPage } from './pages/previews.js';
import { isPreviewKind, loadPreview, type ConsolePreviewKind, type PreviewView } from './data/previews.js';
import { SANDBOXED_MESSAGE_POLICY } from './security-headers.js';
import { isVigilError } from '../domain/errors.js';
import type { AppContext } from '../app/context.js';

/** The server-rendered pages: the same data functions as the API, rendered with hono/jsx (escaped). */
export function pageRoutes(deps: ConsoleDeps): Hono<ConsoleEnv> {
  const pages = new Hono<ConsoleEnv>();
  pages.use('*', requirePageReader);

  pages.get('/', async (c) => {
    const app = deps.app();
    // Pages of sets in attention order: the failures are on page 1, and a page costs the same
    // whatever the number of sets (a full page of 1,000 rows was 1.3 MB of HTML).
    const pageNumber = clampLimit(c.req.query('page'), 1, Number.MAX_SAFE_INTEGER);
    const [sets, delivery, pauses, hosts] = await Promise.all([loadSets(app, { trend: true, anomalies: true, offset: (pageNumber - 1) * OVERVIEW_PAGE_SIZE, limit: OVERVIEW_PAGE_SIZE }), loadDelivery(app), app.store.alertPauses.active(app.clock.now()), loadHosts(app)]);
    return render(c, <OverviewPage page={pageContext(c, deps)} sets={sets} pageNumber={pageNumber} pageSize={OVERVIEW_PAGE_SIZE} delivery={delivery} pauses={pauses} hosts={hosts} />);
  });
  pages.get('/hosts', async (c) => render(c, <HostsPage page={pageContext(c, deps)} hosts={await loadHosts(deps.app())} />));
  pages.get('/activity', async (c) => {
    const query = parseActivityQuery(c.req.query());
    const app = deps.app();
    const [activities, multiHost] = await Promise.all([listActivity(app, query), isFleet(app)]);
    return render(c, <ActivityPage page={pageContext(c, deps)} query={query} activities={activities} sets={Object.keys(app.loaded.config.sets)} multiHost={multiHost} />);
  });
  pages.get('/runs/:id', async (c) => {
    const search = c.req.query('q') ?? '';
    const run = await loadRun(deps.app(), Number(c.req.param('id')), search);
    if (!run) return notFound(c, deps, `No run #${c.req.param('id')} in the activity log.`);
    return render(c, <RunPage page={pageContext(c, deps)} activity={run.activity} log={run.log} logTotal={run.logTotal} search={search} />);
  });
  pages.get('/outbox', async (c) => {
    const query = parseOutboxQuery(c.req.query());
    const app = deps.app();
    const [messages, counts, multiHost] = await Promise.all([listMessages(app, query), app.store.outbox.countByState(), isFleet(app)]);
    return render(c, <OutboxPage page={pageContext(c, deps)} query={query} messages={messages} counts={counts} multiHost={multiHost} />);
  });
  pages.get('/outbox/:id', async (c) => {
    const found = await loadMessage(deps.app(), c.req.param('id'));
    if (!found) return notFound(c, deps, `No message ${c.req.param('id')} in the Outbox.`);
    return render(c, <MessagePage page={pageContext(c, deps)} message={found.message} attempts={found.attempts} />);
  });
  pages.get('/notifications/previews/:kind', async (c) => {
    const kind = c.req.param('kind');
    if (!isPreviewKind(kind)) return notFound(c, deps, `No preview of "${kind}".`);
    const app = deps.app();
    const preview = await previewOrProblem(app, kind, c.req.query('set'));
    if ('problem' in preview) return notFound(c, deps, preview.problem);
    return render(c, <PreviewPage page={pageContext(c, deps)} preview={preview} sets={Object.keys(app.loaded.config.sets)} />);
  });
  pages.get('/notifications/previews/:kind/html', async (c) => {
    const kind = c.req.param('kind');
    const preview = isPreviewKind(kind) ? await previewOrProblem(deps.app(), kind, c.req.query('set')) : { problem: `No preview of "${kind}".` };
    if ('problem' in preview || preview.html === null) return notFound(c, deps, 'problem' in preview ? preview.problem : `A ${kind} message has no HTML part.`);
    // The message's own inline styles, in a sandbox: no script, no form, no same-origin access.
    return c.html(preview.html, 200, { 'Content-Security-Policy': SANDBOXED_MESSAGE_POLICY });
  });
  pages.get('/notifications', async (c) => render(c, <NotificationsPage page={pageContext(c, deps)} routes={await loadRoutes(deps.app())} />));

  // Forms post here; each answers with a redirect to the page to look at and a one-time line saying what happened.
  const writer = requireWriter(deps);
  const done = (c: Context<ConsoleEnv>, result: ActionResult, to: string) => {
    const principal = c.get('principal');
    if (principal?.kind === 'user') principal.session.flash = { ok: result.ok, text: result.message };
    return c.redirect(to, 303);
  };
  pages.post('/outbox/:id/retry', writer, async (c) => done(c, await retryMessage(deps.app(), c.req.param('id')), `/outbox/${encodeURIComponent(c.req.param('id'))}`));
  pages.post('/outbox/deferred/:profile/retry', writer, async (c) => {
    const profile = c.req.param('profile');
    return done(c, await retryDeferred(deps.app(), profile), `/outbox?state=deferred&profile=${encodeURIComponent(profile)}`);
  });
  const formSets = async (c: Context<ConsoleEnv>) => {
    const set = (await c.req.parseBody())['set'];
    return typeof set === 'string' && set.trim() ? [set.trim()] : [];
  };
  pages.post('/pause', writer, async (c) => {
    const body = await c.req.parseBody();
    return done(c, await pauseNow(deps.app(), await formSets(c), typeof body['for'] === 'string' ? body['for'].trim() : undefined), '/');
  });
  pages.post('/resume', writer, async (c) => done(c, await resumeNow(deps.app(), await formSets(c)), '/'));
  pages.post('/sets/:name/run', writer, async (c) => {
    const result = await runSetNow(deps.app(), c.req.param('name'));
    return done(c, result, result.ok && result.id ? `/runs/${result.id}` : '/');
  });
  pages.post('/notifications/:name/test', writer, async (c) => done(c, await sendTest(deps.app(), c.req.param('name')), '/notifications'));
  return pages;
}

/** A preview, or why there is none (an unknown set, a template that does not render): shown, not a 500. */
async function previewOrProblem(app: AppContext, kind: ConsolePreviewKind, set: string | undefined): Promise<PreviewView | { problem: string }> {
  try {
    return await loadPreview(app, kind, set || undefined);
  } catch (error) {
    if (isVigilError(error)) return { problem: `${error.message}${error.hint ? ` — ${error.hint}` : ''}` };
    throw error;
  }
}

function notFound(c: Context<ConsoleEnv>, deps: ConsoleDeps, text: string) {
  return render(c, 
    <Layout title="Not found" path="" page={pageContext(c, deps)}>
      <h1>Not found</h1>
      <p>{text}</p>
    </Layout>,
    404,
  );
}
