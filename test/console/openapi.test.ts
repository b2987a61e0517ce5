import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiRoutes } from '../../src/console/api/routes.js';
import { openApiDocument } from '../../src/console/api/openapi.js';
import type { ConsoleDeps } from '../../src/console/deps.js';
import { FakeClock } from '../helpers/fake-clock.js';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: unknown;
  description?: string;
}
interface Operation {
  summary?: string;
  parameters?: Parameter[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}
type Document = { openapi: string; paths: Record<string, Partial<Record<'get' | 'post', Operation>>> };

const doc = openApiDocument() as Document;
const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op: op })));

// OpenAPI 3.1 (4.8.12.1): a path template's every {name} MUST have a parameter object with
// in: path, required: true — a document without them does not validate, and clients generated
// from it have no argument for the message, set or channel.
test('every {param} of every path has a required path parameter object, and no operation declares one its path lacks', () => {
  const problems: string[] = [];
  for (const { path, method, op } of operations()) {
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
    for (const name of templated) {
      const p = declared.find((d) => d.name === name);
      if (!p) problems.push(`${method.toUpperCase()} ${path}: no parameter object for {${name}}`);
      else if (p.required !== true || !p.schema) problems.push(`${method.toUpperCase()} ${path}: {${name}} is not required or has no schema`);
    }
    for (const p of declared) if (!templated.includes(p.name)) problems.push(`${method.toUpperCase()} ${path}: path parameter ${p.name} is not in the path`);
  }
  assert.deepEqual(problems, []);
});

test('every operation has a summary and a 2xx answer, every answer a schema, every parameter a schema and a description, none twice', () => {
  assert.equal(doc.openapi, '3.1.0');
  const problems: string[] = [];
  for (const { path, method, op } of operations()) {
    const where = `${method.toUpperCase()} ${path}`;
    if (!op.summary) problems.push(`${where}: no summary`);
    const keys = (op.parameters ?? []).map((p) => `${p.in}:${p.name}`);
    if (new Set(keys).size !== keys.length) problems.push(`${where}: a parameter twice (${keys.join(', ')})`);
    for (const p of op.parameters ?? []) {
      if (!['path', 'query', 'header', 'cookie'].includes(p.in)) problems.push(`${where}: parameter ${p.name} in ${p.in}`);
      if (!p.schema) problems.push(`${where}: parameter ${p.name} has no schema`);
      if (!p.description) problems.push(`${where}: parameter ${p.name} has no description`);
    }
    const responses = Object.entries(op.responses ?? {});
    if (!responses.some(([code]) => code.startsWith('2'))) problems.push(`${where}: no 2xx response`);
    for (const [code, r] of responses) if (!r.description || !r.content?.['application/json']?.schema) problems.push(`${where}: response ${code} lacks a description or a schema`);
  }
  assert.deepEqual(problems, []);
});

// The document and the router are two lists of the same API: a route the document misses is a
// route clients cannot see, and a documented one that no route serves is a 404 in waiting.
test('the document names every route of /api/v1 with its method, and no route that is not served', () => {
  const deps: ConsoleDeps = { app: () => assert.fail('no request is made'), readOnly: true, tls: false, clock: new FakeClock() };
  const served = new Set(
    apiRoutes(deps)
      .routes.filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} /api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`),
  );
  const documented = new Set(operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`));
  assert.deepEqual([...served].filter((r) => !documented.has(r)).sort(), [], 'served, not documented');
  assert.deepEqual([...documented].filter((r) => !served.has(r)).sort(), [], 'documented, not served');
});
