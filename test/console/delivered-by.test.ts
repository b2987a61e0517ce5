import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { consoleFixture, login, READ_TOKEN, type ConsoleFixture } from './fixture.js';

// With a shared Outbox a message may be delivered by another host than the one that enqueued it
// (docs/fleet.md): `vigil outbox show` says who delivered it and who made each attempt, and so
// must the API, its OpenAPI document and the console's message page.
let f: ConsoleFixture;
before(async () => {
  f = await consoleFixture();
});
after(async () => {
  await f?.close();
});

const bearer = { authorization: `Bearer ${READ_TOKEN}` };
const HOST = 'console-test.example.com';

interface MessageAnswer {
  message: { id: string; state: string; host: string | null; deliveredBy: string | null };
  attempts: Array<{ outcome: string; host: string | null }>;
}

test('the API names the host that delivered a message and the host of each attempt', async () => {
  const { id } = await f.app.outbox.enqueue({ kind: 'test', severity: 'info', priority: 5, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'delivered-by probe', text: 'x' });
  await f.app.dispatcher.deliverNow(id);
  const sent = (await (await fetch(`${f.server.url}/api/v1/outbox/${id}`, { headers: bearer })).json()) as MessageAnswer;
  assert.equal(sent.message.state, 'sent');
  assert.equal(sent.message.deliveredBy, HOST);
  assert.deepEqual(sent.attempts.map((a) => [a.outcome, a.host]), [['accepted', HOST]]);

  // Not delivered (its relay is down): no deliverer yet, but the attempt has its host.
  const deferred = (await (await fetch(`${f.server.url}/api/v1/outbox/${f.deferredId}`, { headers: bearer })).json()) as MessageAnswer;
  assert.equal(deferred.message.deliveredBy, null);
  assert.deepEqual(deferred.attempts.map((a) => [a.outcome, a.host]), [['temporary', HOST]]);

  const { messages } = (await (await fetch(`${f.server.url}/api/v1/outbox`, { headers: bearer })).json()) as { messages: MessageAnswer['message'][] };
  assert.equal(messages.find((m) => m.id === id)?.deliveredBy, HOST, 'the listing too');
});

test('the OpenAPI document shows deliveredBy and each attempt’s host', async () => {
  type Schema = { properties: Record<string, Schema>; items: Schema };
  const doc = (await (await fetch(`${f.server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, { get: { responses: { 200: { content: { 'application/json': { schema: Schema } } } } } }> };
  const answer = doc.paths['/api/v1/outbox/{id}']!.get.responses[200].content['application/json'].schema;
  assert.ok(answer.properties.message?.properties.deliveredBy, 'message.deliveredBy');
  assert.ok(answer.properties.attempts?.items.properties.host, 'attempts[].host');
});

test('the message page says who delivered it and which host made each attempt', async () => {
  const { cookie } = await login(f.server.url);
  const { id } = await f.app.outbox.enqueue({ kind: 'test', severity: 'info', priority: 5, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'delivered-by page probe', text: 'x' });
  await f.app.dispatcher.deliverNow(id);
  const page = await (await fetch(`${f.server.url}/outbox/${id}`, { headers: { cookie } })).text();
  assert.match(page, new RegExp(`<dt>Delivered by</dt><dd>${HOST.replaceAll('.', '\\.')}</dd>`));
  assert.match(page, new RegExp(`Attempt 1: accepted <span class="muted">via smtp [^<]*, by ${HOST.replaceAll('.', '\\.')}, \\d+ ms</span>`));
  const pending = await (await fetch(`${f.server.url}/outbox/${f.deferredId}`, { headers: { cookie } })).text();
  assert.match(pending, /<dt>Delivered by<\/dt><dd>—<\/dd>/, 'not delivered: a dash');
});
