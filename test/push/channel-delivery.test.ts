import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { HttpPeer } from '../helpers/http-peer.js';
import { localhostCertificate } from '../helpers/certs.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { channelWorkspace, FAILURE, HOST, sendOne } from './helpers.js';
import { withCleanups } from '../helpers/cleanups.js';

const cleanups = withCleanups();

async function peer(behave: Parameters<typeof HttpPeer.start>[0], tls?: { key: string; cert: string }): Promise<HttpPeer> {
  const p = await HttpPeer.start(behave, tls);
  cleanups.push(() => p.stop());
  return p;
}

test('ntfy receives the exact body, title, priority 5 and the bearer token; the token stays out of the database', async () => {
  const ntfy = await peer(() => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"id":"abc","event":"message"}' }));
  const ws = channelWorkspace(`  phone: { type: ntfy, url: "${ntfy.url('/acme-backups-7f3k')}", token: { env: NTFY_TOKEN }, allowInsecure: true }`);
  cleanups.push(() => ws.cleanup());
  const { app, id } = await sendOne(ws, 'phone', FAILURE, { NTFY_TOKEN: 'tk_secret0123456789' });
  cleanups.push(() => app.close());
  assert.equal(ntfy.received.length, 1);
  const r = ntfy.received[0]!;
  assert.equal(r.method, 'POST');
  assert.equal(r.url, '/acme-backups-7f3k');
  assert.equal(r.body.toString('utf8'), 'FAILED documents on vigil-test.example.com: vault unreachable\nvigil activity show 42');
  assert.equal(r.headers.title, 'Backup documents FAILED on vigil-test.example.com');
  assert.equal(r.headers.priority, '5');
  assert.equal(r.headers.tags, 'rotating_light');
  assert.equal(r.headers.authorization, 'Bearer tk_secret0123456789');
  const stored = await app.store.outbox.get(id);
  assert.equal(stored?.state, 'sent');
  assert.equal(stored?.profile, 'channel:phone');
  const raw = (await app.store.outbox.raw(id))!.toString();
  assert.ok(!raw.includes('tk_secret'), 'the token is added at send time, never stored');
  const [attempt] = await app.store.outbox.attempts(id);
  assert.equal(attempt?.transport, 'push:ntfy');
  assert.ok(!attempt!.transcript.includes('acme-backups-7f3k'), 'the topic (the password of an open topic) is not in the transcript');
});

test('PagerDuty gets a trigger with routing_key first and dedup_key vigil:<host>:<set>; 202 is accepted', async () => {
  const pd = await peer((r) => ({ status: 202, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: JSON.parse(r.body.toString()).dedup_key }) }));
  const ws = channelWorkspace(`  oncall-pd: { type: pagerduty, url: "${pd.url('/v2/enqueue')}", routingKey: { env: PD_KEY }, allowInsecure: true }`);
  cleanups.push(() => ws.cleanup());
  const key = 'R0123456789abcdef0123456789abcd';
  const { app, id } = await sendOne(ws, 'oncall-pd', FAILURE, { PD_KEY: key });
  cleanups.push(() => app.close());
  const body = pd.received[0]!.body.toString();
  assert.equal(
    body,
    `{"routing_key":"${key}","event_action":"trigger","dedup_key":"vigil:${HOST}:documents","payload":{"summary":"Backup documents FAILED on vigil-test.example.com","source":"${HOST}","severity":"critical","timestamp":"2026-11-20T10:00:00.000Z","component":"documents","group":"vigil","class":"backup.failed","custom_details":{"text":"FAILED documents on vigil-test.example.com: vault unreachable","status":"failed","first_error":"vault unreachable","counters":{"files":10,"errors":1,"warnings":0,"bytesNew":0},"failures_in_a_row":1,"details":"vigil activity show 42"}},"client":"Vigil"}`,
  );
  assert.equal(pd.received[0]!.headers['content-type'], 'application/json');
  assert.equal((await app.store.outbox.get(id))?.state, 'sent');
  assert.ok(!(await app.store.outbox.raw(id))!.toString().includes(key));

  // Recovery resolves the same key.
  const { app: app2 } = await sendOne(ws, 'oncall-pd', { ...FAILURE, event: 'recovery', severity: 'info', kind: 'backup.recovered' }, { PD_KEY: key });
  cleanups.push(() => app2.close());
  assert.equal(pd.received[1]!.body.toString(), `{"routing_key":"${key}","event_action":"resolve","dedup_key":"vigil:${HOST}:documents"}`);
});

test('the generic webhook is signed per Standard Webhooks (verified here with node:crypto) and keeps its webhook-id across retries', async () => {
  const hook = await peer((_r, i) => (i === 0 ? { status: 503, headers: { 'Retry-After': '1' } } : { status: 204 }));
  const secretBytes = Buffer.from('0123456789abcdef0123456789abcdef');
  const secret = `whsec_${secretBytes.toString('base64')}`;
  const ws = channelWorkspace(`  cmdb: { type: webhook, url: "${hook.url('/hooks/vigil')}", secret: { env: HOOK_SECRET }, allowInsecure: true }`);
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock(Date.now());
  const { app, id } = await sendOne(ws, 'cmdb', FAILURE, { HOOK_SECRET: secret }, clock);
  cleanups.push(() => app.close());
  const first = await app.store.outbox.get(id);
  assert.equal(first?.state, 'deferred', '503 is temporary');
  clock.advance(2_000); // past Retry-After: 1
  await app.store.outbox.retry(id, clock.now());
  await app.dispatcher.runPass();
  assert.equal((await app.store.outbox.get(id))?.state, 'sent');
  assert.equal(hook.received.length, 2);
  const [a, b] = hook.received as [(typeof hook.received)[0], (typeof hook.received)[0]];
  assert.equal(a.headers['webhook-id'], `msg_${id}`);
  assert.equal(b.headers['webhook-id'], a.headers['webhook-id'], 'the same webhook-id on the retry');
  assert.deepEqual(a.body, b.body, 'the same bytes on the retry');
  for (const r of [a, b]) {
    const msgId = String(r.headers['webhook-id']);
    const ts = String(r.headers['webhook-timestamp']);
    assert.ok(Math.abs(Number(ts) - clock.now() / 1000) < 300, 'timestamp within the 5-minute tolerance');
    const expected = createHmac('sha256', secretBytes).update(Buffer.concat([Buffer.from(`${msgId}.${ts}.`), r.body])).digest();
    const signatures = String(r.headers['webhook-signature']).split(' ').map((s) => s.split(','));
    assert.ok(signatures.some(([v, sig]) => v === 'v1' && timingSafeEqual(Buffer.from(sig!, 'base64'), expected)), 'a v1 signature verifies');
  }
  const event = JSON.parse(a.body.toString()) as Record<string, unknown>;
  assert.equal(event.version, 1);
  assert.equal(event.type, 'backup.failed');
  assert.equal(event.set, 'documents');
  assert.equal(event.activityId, 42);
  assert.equal(event.firstError, 'vault unreachable');
});

test('Slack 403 invalid_token pauses the channel; the webhook URL never appears in the attempt', async () => {
  const slack = await peer(() => ({ status: 403, headers: { 'Content-Type': 'text/plain' }, body: 'invalid_token' }));
  const hookUrl = slack.url('/services/T000/B000/XXXXSECRETXXXX');
  const ws = channelWorkspace('  team: { type: slack, url: { env: SLACK_URL }, allowInsecure: true }');
  cleanups.push(() => ws.cleanup());
  const { app, id } = await sendOne(ws, 'team', FAILURE, { SLACK_URL: hookUrl });
  cleanups.push(() => app.close());
  const body = JSON.parse(slack.received[0]!.body.toString()) as { text: string; attachments: Array<{ color: string; fields: Array<{ title: string; value: string }> }> };
  assert.equal(body.text, FAILURE.title);
  assert.equal(body.attachments[0]!.color, '#c62828');
  assert.ok(body.attachments[0]!.fields.some((f) => f.title === 'Details' && f.value === 'vigil activity show 42'));
  const stored = await app.store.outbox.get(id);
  assert.equal(stored?.state, 'deferred');
  const [attempt] = await app.store.outbox.attempts(id);
  assert.match(attempt!.outcome, /^credentials/);
  assert.match(attempt!.detail, /invalid_token/);
  assert.equal(attempt!.errorCode, 'ERR_PUSH_AUTH');
  for (const text of [attempt!.detail, attempt!.transcript, stored!.lastError ?? '']) assert.ok(!text.includes('XXXXSECRETXXXX'), `no secret in: ${text}`);
  const state = await app.store.profiles.get('channel:team');
  assert.ok(state.pausedUntil !== null && state.pausedUntil > Date.now(), 'the channel is paused');
  // A paused channel is not tried again by the next pass.
  await app.store.outbox.retry(id, Date.now());
  assert.equal((await app.dispatcher.runPass()).attempted, 0);
});

test('Telegram 429 with parameters.retry_after defers by at least that long; 400 chat not found is permanent with its description', async () => {
  const tg = await peer((_r, i) =>
    i === 0
      ? { status: 429, headers: { 'Content-Type': 'application/json' }, body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3600","parameters":{"retry_after":3600}}' }
      : { status: 400, headers: { 'Content-Type': 'application/json' }, body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}' },
  );
  const ws = channelWorkspace(`  ops-tg: { type: telegram, url: "${tg.url('')}", botToken: { env: TG_TOKEN }, chatId: "-1001234567890", allowInsecure: true }`);
  cleanups.push(() => ws.cleanup());
  const clock = new FakeClock(Date.now());
  const before = clock.now();
  const { app, id } = await sendOne(ws, 'ops-tg', FAILURE, { TG_TOKEN: '123456:ABCsecretTOKEN' }, clock);
  cleanups.push(() => app.close());
  assert.equal(tg.received[0]!.url, '/bot123456:ABCsecretTOKEN/sendMessage');
  assert.deepEqual(JSON.parse(tg.received[0]!.body.toString()), {
    chat_id: '-1001234567890',
    text: '<b>Backup documents FAILED on vigil-test.example.com</b>\nFAILED documents on vigil-test.example.com: vault unreachable\n<code>vigil activity show 42</code>',
    parse_mode: 'HTML',
    disable_web_page_preview: true,
  });
  const deferred = await app.store.outbox.get(id);
  assert.equal(deferred?.state, 'deferred');
  assert.ok(deferred!.nextAttemptAt >= before + 3_600_000, 'retry_after (1 h) is honoured over the 1-minute backoff');
  clock.advance(3_600_000);
  await app.store.outbox.retry(id, clock.now());
  await app.dispatcher.runPass();
  const failed = await app.store.outbox.get(id);
  assert.equal(failed?.state, 'failed');
  assert.match(failed!.lastError ?? '', /chat not found/);
  const attempts = await app.store.outbox.attempts(id);
  for (const a of attempts) assert.ok(!a.transcript.includes('ABCsecretTOKEN') && !a.detail.includes('ABCsecretTOKEN'));
});

test('a server that never answers is given up after timeoutSeconds (ambiguous: the request was sent); one that drops the connection after reading the body is ambiguous', async () => {
  const silent = await peer(() => 'hang');
  const dropping = await peer(() => 'drop');
  const ws = channelWorkspace(
    [`  slow: { type: gotify, url: "${silent.url('')}", token: { env: GOTIFY_TOKEN }, timeoutSeconds: 1, allowInsecure: true }`, `  flaky: { type: gotify, url: "${dropping.url('')}", token: { env: GOTIFY_TOKEN }, allowInsecure: true }`].join('\n'),
  );
  cleanups.push(() => ws.cleanup());
  const env = { GOTIFY_TOKEN: 'AgotifyTokenX' };
  const { app, id } = await sendOne(ws, 'slow', FAILURE, env);
  cleanups.push(() => app.close());
  const slow = await app.store.outbox.get(id);
  assert.equal(slow?.state, 'deferred');
  const [slowAttempt] = await app.store.outbox.attempts(id);
  assert.match(slowAttempt!.detail, /no answer within 1 s/);
  assert.equal(silent.received[0]!.url, '/message');
  assert.equal(silent.received[0]!.headers['x-gotify-key'], 'AgotifyTokenX');

  const { app: app2, id: id2 } = await sendOne(ws, 'flaky', FAILURE, env);
  cleanups.push(() => app2.close());
  const flaky = await app2.store.outbox.get(id2);
  assert.equal(flaky?.state, 'deferred');
  assert.equal(flaky?.possibleDuplicate, true, 'flagged: it may have been delivered');
  const [dropAttempt] = await app2.store.outbox.attempts(id2);
  assert.match(dropAttempt!.outcome, /^ambiguous/);
  assert.equal(dropAttempt!.errorCode, 'ERR_PUSH_AMBIGUOUS');
});

test('a self-signed HTTPS server is refused (channel paused, ERR_PUSH_TLS) unless its CA is given as caFile', async () => {
  const cert = await localhostCertificate();
  const discord = await peer(() => ({ status: 204 }), cert);
  const ws = channelWorkspace(`  untrusted: { type: discord, url: { env: DISCORD_URL } }`);
  cleanups.push(() => ws.cleanup());
  const caFile = path.join(ws.dir, 'ca.pem');
  writeFileSync(caFile, cert.cert);
  const env = { DISCORD_URL: discord.url('/api/webhooks/1/tokenXYZ') };
  const { app, id } = await sendOne(ws, 'untrusted', FAILURE, env);
  cleanups.push(() => app.close());
  assert.equal(discord.received.length, 0);
  const [attempt] = await app.store.outbox.attempts(id);
  assert.equal(attempt?.errorCode, 'ERR_PUSH_TLS');
  assert.match(attempt!.outcome, /^credentials/);

  const ws2 = channelWorkspace(`  trusted: { type: discord, url: { env: DISCORD_URL }, caFile: "${caFile}" }`);
  cleanups.push(() => ws2.cleanup());
  const { app: app2, id: id2 } = await sendOne(ws2, 'trusted', FAILURE, env);
  cleanups.push(() => app2.close());
  assert.equal((await app2.store.outbox.get(id2))?.state, 'sent');
  const body = JSON.parse(discord.received[0]!.body.toString()) as { content: string; embeds: Array<{ color: number }> };
  assert.equal(body.content, FAILURE.title);
  assert.equal(body.embeds[0]!.color, 0xc62828);
});
