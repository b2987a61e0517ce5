import { Hono, type Context } from 'hono';
import type { ConsoleEnv } from './auth.js';
import { pageContext, render, requirePageReader, requireWriter, type ConsoleDeps } from './deps.js';
import { listActivity, loadRun, parseActivityQuery } from './data/activity.js';
import { loadDelivery, loadRoutes } from './data/delivery.js';
import { listMessages, loadMessage, parseOutboxQuery } from './data/outbox.js';
import { loadSets, OVERVIEW_PAGE_SIZE } from './data/sets.js';
import { clampLimit } from './data/outbox.js';
import { retryDeferred, retryMessage, runSetNow, sendTest, type ActionResult } from './actions.js';
import { OverviewPage } from './pages/overview.js';
import { ActivityPage, RunPage } from './pages/activity.js';
import { MessagePage, OutboxPage } from './pages/outbox.js';
import { NotificationsPage } from './pages/notifications.js';
import { Layout } from './pages/layout.js';

/** The server-rendered pages: the same data functions as the API, rendered with hono/jsx (escaped). */
export function pageRoutes(deps: ConsoleDeps): Hono<ConsoleEnv> {
  const pages = new Hono<ConsoleEnv>();
  pages.use('*', requirePageReader);

  pages.get('/', async (c) => {
    const app = deps.app();
    // Pages of sets in attention order: the failures are on page 1, and a page costs the same
    // whatever the number of sets (a full page of 1,000 rows was 1.3 MB of HTML).
    const pageNumber = clampLimit(c.req.query('page'), 1, Number.MAX_SAFE_INTEGER);
    const [sets, delivery] = await Promise.all([loadSets(app, { trend: true, offset: (pageNumber - 1) * OVERVIEW_PAGE_SIZE, limit: OVERVIEW_PAGE_SIZE }), loadDelivery(app)]);
    return render(c, <OverviewPage page={pageContext(c, deps)} sets={sets} pageNumber={pageNumber} pageSize={OVERVIEW_PAGE_SIZE} delivery={delivery} />);
  });
  pages.get('/activity', async (c) => {
    const query = parseActivityQuery(c.req.query());
    const app = deps.app();
    return render(c, <ActivityPage page={pageContext(c, deps)} query={query} activities={await listActivity(app, query)} sets={Object.keys(app.loaded.config.sets)} />);
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
    const [messages, counts] = await Promise.all([listMessages(app, query), app.store.outbox.countByState()]);
    return render(c, <OutboxPage page={pageContext(c, deps)} query={query} messages={messages} counts={counts} />);
  });
  pages.get('/outbox/:id', async (c) => {
    const found = await loadMessage(deps.app(), c.req.param('id'));
    if (!found) return notFound(c, deps, `No message ${c.req.param('id')} in the Outbox.`);
    return render(c, <MessagePage page={pageContext(c, deps)} message={found.message} attempts={found.attempts} />);
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
  pages.post('/sets/:name/run', writer, async (c) => {
    const result = await runSetNow(deps.app(), c.req.param('name'));
    return done(c, result, result.ok && result.id ? `/runs/${result.id}` : '/');
  });
  pages.post('/notifications/:name/test', writer, async (c) => done(c, await sendTest(deps.app(), c.req.param('name')), '/notifications'));
  return pages;
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
