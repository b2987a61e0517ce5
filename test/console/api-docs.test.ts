import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openApiDocument } from '../../src/console/api/openapi.js';
import { consoleFixture, login, READ_TOKEN, type ConsoleFixture } from './fixture.js';

// docs/api.md is what people read; the OpenAPI document is what the routes serve (openapi.test.ts
// holds it equal to the router). These hold the two in step: every request of the page is served
// with the query parameters it names, every field an answer has is named, and errors come in the
// shapes and codes the page promises.
const API_MD = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema;
  anyOf?: Schema[];
}
interface Operation {
  parameters: Array<{ name: string; in: string }>;
  responses: Record<string, { content: { 'application/json': { schema: Schema } } }>;
}
const doc = openApiDocument() as { paths: Record<string, Partial<Record<'get' | 'post', Operation>>> };

/** The request rows of docs/api.md's tables: method, path (query removed) and the query names, with the row's text. */
const rows = [...API_MD.matchAll(/^\| `(GET|POST) (\/api\/v1\/[^`?]*)(?:\?([^`]*))?` \|(.*)$/gm)].map((m) => ({
  method: m[1]!.toLowerCase() as 'get' | 'post',
  path: m[2]!,
  query: (m[3] ?? '').split('&').filter(Boolean).map((p) => p.split('=')[0]!),
  text: m[4]!,
}));

test('every request docs/api.md lists is served, with the query parameters it names; every operation served is listed', () => {
  assert.ok(rows.length >= 15, `${rows.length} rows read`);
  const problems: string[] = [];
  for (const row of rows) {
    const op = doc.paths[row.path]?.[row.method];
    if (!op) {
      problems.push(`docs: ${row.method.toUpperCase()} ${row.path} is not served`);
      continue;
    }
    const served = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    const named = new Set([...row.query, ...[...row.text.matchAll(/`([a-z]+)`/g)].map((m) => m[1]!)]);
    for (const name of row.query) if (!served.includes(name)) problems.push(`docs: ${row.method.toUpperCase()} ${row.path}?${name}= is not a parameter of the route`);
    for (const name of served) if (!named.has(name)) problems.push(`docs: ${row.method.toUpperCase()} ${row.path} does not name its query parameter ${name}`);
  }
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      // The document itself is named in the page's opening paragraph.
      if (!rows.some((r) => r.path === path && r.method === method) && !API_MD.includes(`\`${path}\``)) problems.push(`served, not in docs/api.md: ${method.toUpperCase()} ${path}`);
    }
  }
  assert.deepEqual(problems, []);
});

/** Every property name of a JSON Schema, at any depth. */
function propertyNames(schema: Schema | undefined, into = new Set<string>()): Set<string> {
  if (!schema) return into;
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    into.add(name);
    propertyNames(sub, into);
  }
  propertyNames(schema.items, into);
  propertyNames(schema.additionalProperties, into);
  for (const s of schema.anyOf ?? []) propertyNames(s, into);
  return into;
}

/** A read of one thing whose fields docs/api.md names in the row of the listing. */
const ONE_OF: Record<string, string> = { '/api/v1/sets/{name}': '/api/v1/sets', '/api/v1/runs/{id}': '/api/v1/activity', '/api/v1/outbox/{id}': '/api/v1/outbox' };

test('each GET row of docs/api.md names every field of its answer', () => {
  const problems: string[] = [];
  for (const row of rows.filter((r) => r.method === 'get')) {
    const schema = doc.paths[row.path]?.get?.responses['200']?.content['application/json'].schema;
    // One thing's answer names its fields where the listing of those things does.
    const text = [row.text, ...(ONE_OF[row.path] ? [rows.find((r) => r.path === ONE_OF[row.path])!.text] : [])].join(' ');
    for (const name of propertyNames(schema)) if (!new RegExp(`\\b${name}\\b`).test(text)) problems.push(`${row.path}: ${name}`);
  }
  assert.deepEqual(problems, []);
});

let f: ConsoleFixture;
before(async () => {
  f = await consoleFixture();
});
after(async () => {
  await f?.close();
});

const bearer = { authorization: `Bearer ${READ_TOKEN}` };
/** The codes docs/api.md promises in `{ "error": "…", "code": … }`. */
const ERROR_CODES = [...(/"code": ((?:"[a-z-]+"(?: \| )?)+)/.exec(API_MD)?.[1] ?? '').matchAll(/"([a-z-]+)"/g)].map((m) => m[1]!);

test('a read that finds nothing answers 404 { error, code: "not-found" }, as docs/api.md says of every error', async () => {
  assert.ok(ERROR_CODES.includes('not-found') && ERROR_CODES.length >= 7, ERROR_CODES.join(', '));
  for (const path of ['/api/v1/sets/nosuchset', '/api/v1/runs/999999', '/api/v1/outbox/nosuchmessage', '/api/v1/previews/nothing', '/api/v1/previews/backup-alert?set=nosuchset', '/api/v1/nosuchthing']) {
    const res = await fetch(f.server.url + path, { headers: bearer });
    assert.equal(res.status, 404, path);
    const body = (await res.json()) as { error?: string; code?: string };
    assert.equal(typeof body.error, 'string', `${path}: an error text`);
    assert.equal(body.code, 'not-found', `${path}: code ${body.code}`);
  }
});

test('a change that finds nothing answers 404 { ok: false, message }, the shape the OpenAPI document gives it', async () => {
  const { cookie, csrf } = await login(f.server.url);
  const headers = { cookie, 'x-csrf-token': csrf };
  for (const [path, documented] of [
    ['/api/v1/outbox/nosuchmessage/retry', '/api/v1/outbox/{id}/retry'],
    ['/api/v1/outbox/deferred/nosuchprofile/retry', '/api/v1/outbox/deferred/{profile}/retry'],
    ['/api/v1/sets/nosuchset/run', '/api/v1/sets/{name}/run'],
    ['/api/v1/channels/nosuchroute/test', '/api/v1/channels/{name}/test'],
  ] as const) {
    const res = await fetch(f.server.url + path, { method: 'POST', headers });
    assert.equal(res.status, 404, path);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.ok, false, path);
    const schema = doc.paths[documented]?.post?.responses['404']?.content['application/json'].schema;
    assert.deepEqual(Object.keys(body).sort(), Object.keys(body).filter((k) => k in (schema?.properties ?? {})).sort(), `${documented}: the 404 the document describes`);
  }
  const bad = await fetch(`${f.server.url}/api/v1/pause?for=soon`, { method: 'POST', headers });
  assert.equal(bad.status, 400, 'a bad duration');
  assert.ok(doc.paths['/api/v1/pause']?.post?.responses['400'], 'the document has the 400');
});

test('the metrics docs/api.md lists are the families /metrics serves, with their labels', async () => {
  // Rows like "| `vigil_x{a,b}` / `…_y` |": a "…_y" is the row's first name with its last word replaced.
  const listed = new Map<string, string[]>();
  for (const m of API_MD.matchAll(/^\| (`vigil_[^|]*`) \|/gm)) {
    const names = [...m[1]!.matchAll(/`([^`]+)`/g)].map((n) => n[1]!);
    const first = /^(vigil_[a-z_]+)(?:\{([a-z,]*)\})?$/.exec(names[0]!)!;
    const labels = (first[2] ?? '').split(',').filter(Boolean).sort();
    listed.set(first[1]!, labels);
    for (const short of names.slice(1)) listed.set(first[1]!.replace(/_[a-z]+_[a-z]+$|_[a-z]+$/, short.replace('…', '')), labels);
  }
  const text = await (await fetch(`${f.server.url}/metrics`, { headers: bearer })).text();
  const served = new Map<string, Set<string>>();
  for (const m of text.matchAll(/^# TYPE (\S+) /gm)) served.set(m[1]!, new Set());
  for (const m of text.matchAll(/^(vigil_[a-z_]+)\{([^}]*)\} /gm)) for (const l of m[2]!.matchAll(/([a-z_]+)="/g)) served.get(m[1]!)?.add(l[1]!);
  assert.deepEqual([...listed.keys()].sort(), [...served.keys()].sort(), 'the families');
  // Labels are seen on samples: a family with none here (no host registered) is checked by its name only.
  const sampled = [...listed].filter(([name]) => served.get(name)!.size > 0);
  assert.ok(sampled.length >= 10, `${sampled.length} families have samples`);
  for (const [name, labels] of sampled) assert.deepEqual(labels, [...served.get(name)!].sort(), `${name}: its labels`);
});
