import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { consoleFixture, login, READ_TOKEN, RESTIC_PASSWORD, type ConsoleFixture } from './fixture.js';
import { TEST_PASSWORD } from '../helpers/smtp-config.js';

// The console over real HTTP: who may read, who may change, and what never leaves it.
let f: ConsoleFixture;
before(async () => {
  f = await consoleFixture();
});
after(async () => {
  await f?.close();
});

const bearer = { authorization: `Bearer ${READ_TOKEN}` };
const READ_PATHS = ['/api/v1/sets', '/api/v1/sets/nightly', '/api/v1/activity', '/api/v1/runs/1', '/api/v1/outbox', '/api/v1/channels', '/metrics'];

test('the API and /metrics answer 401 without credentials and with a wrong token, 200 with a read token', async () => {
  for (const path of READ_PATHS) {
    const none = await fetch(f.server.url + path);
    assert.equal(none.status, 401, `${path} without credentials`);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    const ok = await fetch(f.server.url + path, { headers: bearer });
    assert.equal(ok.status, 200, `${path} with the read token`);
  }
  // One wrong token only: five from one address lock it (login-limit.test.ts).
  const wrong = await fetch(`${f.server.url}/metrics`, { headers: { authorization: 'Bearer not-a-token-of-ours' } });
  assert.equal(wrong.status, 401, 'a wrong token');
});

test('the sets come needing a look first, and /metrics has the per-set, Outbox and route series', async () => {
  const { sets } = (await (await fetch(`${f.server.url}/api/v1/sets`, { headers: bearer })).json()) as { sets: Array<{ name: string; status: string; trend: unknown[] }> };
  assert.equal(sets[0]?.name, 'nightly');
  assert.equal(sets[0]?.status, 'failed');
  assert.equal(sets[0]?.trend.length, 14);
  const metrics = await (await fetch(`${f.server.url}/metrics`, { headers: bearer })).text();
  assert.match(metrics, /vigil_set_last_run_status\{set="nightly",host="console-test.example.com",status="failed"\} 1/);
  assert.match(metrics, /vigil_set_last_success_timestamp_seconds\{set="docs",host="console-test.example.com"\} \d+/);
  assert.match(metrics, /vigil_outbox_messages\{state="deferred"\} 1/);
  assert.match(metrics, /vigil_outbox_oldest_critical_age_seconds \d/);
  assert.match(metrics, /vigil_delivery_attempts_total\{transport="[^"]+",outcome="temporary",host="console-test.example.com"\} 1/);
  assert.match(metrics, /vigil_route_paused\{name="team",kind="channel"\} 0/);
});

test('a read-only token cannot change anything (403), and neither can a session without its CSRF token', async () => {
  const actions = [`/api/v1/outbox/${f.deferredId}/retry`, '/api/v1/sets/docs/run', '/api/v1/channels/team/test', `/outbox/${f.deferredId}/retry`, '/sets/docs/run', '/notifications/team/test'];
  const { cookie, csrf } = await login(f.server.url);
  for (const path of actions) {
    assert.equal((await fetch(f.server.url + path, { method: 'POST', headers: bearer })).status, 403, `${path} with the read token`);
    assert.equal((await fetch(f.server.url + path, { method: 'POST', headers: { cookie } })).status, 403, `${path} without a CSRF token`);
    assert.equal((await fetch(f.server.url + path, { method: 'POST', headers: { cookie, 'x-csrf-token': `${csrf}x` } })).status, 403, `${path} with a wrong CSRF token`);
    const anonymous = await fetch(f.server.url + path, { method: 'POST', redirect: 'manual' });
    // The API says 401; a page's form sends the browser to the login page.
    if (path.startsWith('/api/')) assert.equal(anonymous.status, 401, `${path} without credentials`);
    else assert.deepEqual([anonymous.status, anonymous.headers.get('location')], [303, '/login'], `${path} without credentials`);
  }
  assert.equal(f.slack.received.length, 0, 'no refused action reached the channel');
  const retried = await fetch(`${f.server.url}/api/v1/outbox/${f.deferredId}/retry`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
  assert.equal(retried.status, 200);
  assert.equal(((await retried.json()) as { ok: boolean }).ok, true);
  const form = await fetch(`${f.server.url}/notifications/team/test`, { method: 'POST', redirect: 'manual', headers: { cookie }, body: new URLSearchParams({ _csrf: csrf }) });
  assert.equal(form.status, 303);
  assert.equal(f.slack.received.length, 1, 'the test went through the channel');
});

test('retry all deferred of a profile: refused to a read token and without CSRF, then every deferred message of that profile only is due now', async () => {
  for (const n of [1, 2]) {
    const { id } = await f.app.outbox.enqueue({ kind: 'backup.failed', severity: 'error', priority: 5, profile: 'backup-relay', from: 'vigil@example.com', to: ['ops@example.com'], subject: `deferred ${n}`, text: 'x' });
    await f.app.dispatcher.deliverNow(id);
  }
  const waiting = async () => (await f.app.store.outbox.list({ profile: 'backup-relay', states: ['deferred'] })).filter((m) => m.nextAttemptAt > f.app.clock.now());
  const before = (await waiting()).length;
  assert.ok(before >= 2, `deferred and waiting: ${before}`);
  const paths = ['/api/v1/outbox/deferred/backup-relay/retry', '/outbox/deferred/backup-relay/retry'];
  const { cookie, csrf } = await login(f.server.url);
  for (const path of paths) {
    assert.equal((await fetch(f.server.url + path, { method: 'POST', headers: bearer })).status, 403, `${path} with the read token`);
    assert.equal((await fetch(f.server.url + path, { method: 'POST', headers: { cookie } })).status, 403, `${path} without a CSRF token`);
  }
  assert.equal((await waiting()).length, before, 'nothing moved yet');
  const res = await fetch(f.server.url + paths[0]!, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { ok: boolean; message: string };
  assert.equal(body.ok, true);
  assert.match(body.message, new RegExp(`^${before} deferred messages of backup-relay are due now`));
  assert.equal((await waiting()).length, 0);
  const unknown = await fetch(`${f.server.url}/api/v1/outbox/deferred/nobody/retry`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
  assert.equal(unknown.status, 404);
  const form = await fetch(f.server.url + paths[1]!, { method: 'POST', redirect: 'manual', headers: { cookie }, body: new URLSearchParams({ _csrf: csrf }) });
  assert.deepEqual([form.status, form.headers.get('location')], [303, '/outbox?state=deferred&profile=backup-relay']);
  const page = await (await fetch(`${f.server.url}/outbox?state=deferred&profile=backup-relay`, { headers: { cookie } })).text();
  assert.match(page, /action="\/outbox\/deferred\/backup-relay\/retry"/, 'the button on the filtered Outbox page');
});

test('previews: every alert kind and the Daily/Weekly summary, as the CLI renders them; the HTML part sandboxed', async () => {
  // Times and counts move between two renderings a moment apart: compare the words.
  const words = (text: string) => text.replace(/\d+/g, '#');
  const env = { ...process.env, TEST_SMTP_PASS: TEST_PASSWORD, SLACK_URL: 'http://127.0.0.1:9/x', RESTIC_PASSWORD };
  type Preview = { subject: string; text: string; html: string | null; pager: string | null; set: string | null };
  const api = async (path: string) => {
    const res = await fetch(`${f.server.url}/api/v1/previews/${path}`, { headers: bearer });
    assert.equal(res.status, 200, path);
    return (await res.json()) as Preview;
  };
  const alert = await api('backup-alert?set=nightly');
  const cli = await f.ws.vigil(['notify', 'preview', 'backup-alert', '--set', 'nightly', '--json'], { env });
  assert.equal(cli.code, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as Preview;
  assert.equal(alert.set, 'nightly');
  assert.deepEqual([words(alert.subject), words(alert.text), words(alert.html ?? ''), words(alert.pager ?? '')], [words(printed.subject), words(printed.text), words(printed.html ?? ''), words(printed.pager ?? '')]);
  for (const kind of ['backup-recovery', 'pager', 'storm', 'escalation', 'service-fault', 'summary-weekly']) assert.ok((await api(kind)).subject.length > 0, kind);
  const daily = await api('summary-daily');
  const admin = await f.ws.vigil(['admin', 'daily', '--preview'], { env });
  assert.equal(admin.code, 0, admin.stderr);
  assert.equal(words(daily.text), words(admin.stdout), 'the daily summary as vigil admin daily --preview prints it');
  assert.match(daily.text, /nightly/);
  assert.equal((await fetch(`${f.server.url}/api/v1/previews/nothing`, { headers: bearer })).status, 404);
  assert.equal((await fetch(`${f.server.url}/api/v1/previews/backup-alert?set=nosuchset`, { headers: bearer })).status, 404);
  const { cookie } = await login(f.server.url);
  const page = await (await fetch(`${f.server.url}/notifications`, { headers: { cookie } })).text();
  assert.match(page, /href="\/notifications\/previews\/summary-daily"/);
  const html = await fetch(`${f.server.url}/notifications/previews/backup-alert/html?set=nightly`, { headers: { cookie } });
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-security-policy') ?? '', /sandbox/);
  assert.doesNotMatch(html.headers.get('content-security-policy') ?? '', /script-src 'unsafe/);
});

test('pause and resume of alerts for maintenance: refused to a read token and without CSRF; the same pause as vigil pause', async () => {
  const { cookie, csrf } = await login(f.server.url);
  for (const path of ['/api/v1/pause', '/api/v1/resume', '/pause', '/resume']) {
    assert.equal((await fetch(f.server.url + path, { method: 'POST', headers: bearer })).status, 403, `${path} with the read token`);
    assert.equal((await fetch(f.server.url + path, { method: 'POST', headers: { cookie } })).status, 403, `${path} without a CSRF token`);
  }
  assert.deepEqual(await f.app.store.alertPauses.active(f.app.clock.now()), []);
  const write = { cookie, 'x-csrf-token': csrf };
  assert.equal((await fetch(`${f.server.url}/api/v1/pause?for=soon`, { method: 'POST', headers: write })).status, 400, 'a bad duration');
  assert.equal((await fetch(`${f.server.url}/api/v1/pause?set=nosuchset`, { method: 'POST', headers: write })).status, 404, 'an unknown set');
  const paused = await fetch(`${f.server.url}/api/v1/pause?for=2h`, { method: 'POST', headers: write });
  assert.equal(paused.status, 200);
  const [pause] = await f.app.store.alertPauses.active(f.app.clock.now());
  assert.equal(pause?.set, '*', 'every set');
  assert.ok(pause.until !== null && Math.abs(pause.until - (pause.since + 2 * 3_600_000)) < 1_000);
  const overview = await (await fetch(`${f.server.url}/`, { headers: { cookie } })).text();
  assert.match(overview, /Alerts of every set paused/);
  assert.match(overview, /action="\/resume"/);
  const pauses = (await (await fetch(`${f.server.url}/api/v1/pauses`, { headers: bearer })).json()) as { pauses: Array<{ set: string }> };
  assert.deepEqual(pauses.pauses.map((p) => p.set), ['*']);
  const form = await fetch(`${f.server.url}/resume`, { method: 'POST', redirect: 'manual', headers: { cookie }, body: new URLSearchParams({ _csrf: csrf }) });
  assert.deepEqual([form.status, form.headers.get('location')], [303, '/']);
  assert.deepEqual(await f.app.store.alertPauses.active(f.app.clock.now()), []);
  const byForm = await fetch(`${f.server.url}/pause`, { method: 'POST', redirect: 'manual', headers: { cookie }, body: new URLSearchParams({ _csrf: csrf, set: 'nightly', for: '' }) });
  assert.equal(byForm.status, 303);
  assert.deepEqual((await f.app.store.alertPauses.active(f.app.clock.now())).map((p) => [p.set, p.until]), [['nightly', null]], 'until resumed');
  await f.app.store.alertPauses.resume(['*']);
});

test('the session cookie is HttpOnly and SameSite=Strict (not Secure over plain HTTP); logging out ends it', async () => {
  const res = await fetch(`${f.server.url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ user: 'admin', password: 'console-pass-7Qx!' }) });
  const setCookie = res.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.doesNotMatch(setCookie, /Secure/);
  const cookie = setCookie.split(';')[0]!;
  const page = await (await fetch(`${f.server.url}/`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
  assert.equal((await fetch(`${f.server.url}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie }, body: new URLSearchParams({ _csrf: csrf }) })).status, 303);
  assert.equal((await fetch(`${f.server.url}/api/v1/sets`, { headers: { cookie } })).status, 401);
});

test('every response carries the security headers: CSP without inline scripts, nosniff, frame-ancestors none', async () => {
  for (const path of ['/login', '/api/v1/sets', '/metrics', '/nowhere']) {
    const res = await fetch(f.server.url + path);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.match(csp, /script-src 'none'/, path);
    assert.doesNotMatch(csp, /unsafe-inline/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
  }
});

test('no page and no API body contains a configured secret (passwords, token, webhook URL, repository password)', async () => {
  const { cookie } = await login(f.server.url);
  const { messages } = (await (await fetch(`${f.server.url}/api/v1/outbox`, { headers: { cookie } })).json()) as { messages: Array<{ id: string }> };
  assert.ok(messages.length >= 1);
  const paths = ['/notifications/previews/backup-alert', '/notifications/previews/summary-daily', '/api/v1/previews/summary-weekly', '/', '/activity', '/activity?set=nightly', '/runs/1', '/runs/2', '/outbox', '/outbox?state=deferred', '/notifications', '/login', '/api/v1/openapi.json', ...READ_PATHS, ...messages.flatMap((m) => [`/outbox/${m.id}`, `/api/v1/outbox/${m.id}`])];
  for (const path of paths) {
    const res = await fetch(f.server.url + path, { headers: { cookie } });
    assert.equal(res.status, 200, path);
    const body = await res.text();
    for (const secret of f.secrets) assert.ok(!body.includes(secret), `${path} shows a secret (${secret.slice(0, 4)}…)`);
    for (const [name, value] of res.headers) for (const secret of f.secrets) assert.ok(!value.includes(secret), `${path} header ${name} shows a secret`);
  }
});

test('the OpenAPI document is generated from the schemas and names every path', async () => {
  const doc = (await (await fetch(`${f.server.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, { get?: { responses: Record<string, { content: { 'application/json': { schema: { properties?: Record<string, unknown> } } } }> } }> };
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(doc.paths['/api/v1/sets']?.get?.responses['200']?.content['application/json'].schema.properties?.sets);
  assert.ok(doc.paths['/api/v1/outbox/{id}/retry']);
});

test('a secret that reached a stored row is shown as *** on every page and in every API answer (the redactor over every body)', async () => {
  const { cookie } = await login(f.server.url);
  const at = f.app.clock.now();
  const leaked = await f.app.store.activity.record(
    { kind: 'backup', set: 'leaky', engine: 'restic', trigger: 'manual', startedAt: at - 1_000 },
    { status: 'failed', endedAt: at, counters: { files: 0, bytesScanned: 0, bytesNew: 0, errors: 1, warnings: 0 }, log: [{ severity: 'error', message: `repository password ${RESTIC_PASSWORD} refused`, path: null }], logDropped: 0 },
  );
  for (const path of [`/runs/${leaked.id}`, `/api/v1/runs/${leaked.id}`, '/activity', '/api/v1/activity']) {
    const body = await (await fetch(f.server.url + path, { headers: { cookie } })).text();
    if (path.includes('/runs/')) assert.ok(body.includes('repository password *** refused'), `${path} shows the error, redacted`);
    assert.ok(!body.includes(RESTIC_PASSWORD), `${path} shows the secret`);
  }
});
