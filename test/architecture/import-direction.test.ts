import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCycles, readImportGraph, type ImportEdge } from './import-graph.js';

/**
 * DESIGN §6, enforced: "domain ← outbox, notify, backup, admin ← transports, storage ← app ← cli".
 * Each rule names the offending import (file:line, the specifier as written) so the fix is obvious.
 * The rules and the layers are described for people in ARCHITECTURE.md; keep the two together.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const graph = readImportGraph(root, 'src');

const under = (...dirs: string[]) => (file: string): boolean => dirs.some((d) => file.startsWith(`src/${d}/`) || file === `src/${d}.ts`);

/**
 * An engine's set schema (src/backup/engines/<engine>/config.ts): owned by the engine's folder, but
 * a declaration the vigil.yaml schema composes, not an adapter — so it may import nothing but
 * config/schema (checked below).
 */
const isEngineSchema = (file: string): boolean => /^src\/backup\/engines\/[^/]+\/config\.ts$/.test(file);
/** Talk to the outside world for the core: chosen and wired only in src/app/. */
const isAdapter = (file: string): boolean => under('storage/sqlite', 'transports', 'backup/engines')(file) && !isEngineSchema(file);
/** Where adapters are wired and the program is driven from: nothing below may reach up into it. */
const isTop = under('app', 'cli', 'console', 'web');
const isDomain = under('domain');
/** Node built-ins and packages that do I/O: never in the pure core. */
const IO_PACKAGES = /^(node:)?(fs|fs\/promises|net|tls|http|https|http2|dgram|dns|child_process|worker_threads|cluster)$|^(better-sqlite3|nodemailer)(\/|$)/;

function show(e: ImportEdge): string {
  return `${e.from}:${e.line} imports '${e.specifier}'${e.local ? ` (${e.to})` : ''}${e.typeOnly ? ' [type-only]' : ''}`;
}

function violations(rule: (e: ImportEdge) => boolean): string[] {
  return graph.edges.filter(rule).map(show);
}

test('the import graph was read (guards the rules below against reading nothing)', () => {
  assert.ok(graph.files.length > 100, `only ${graph.files.length} files under src/`);
  assert.ok(graph.edges.some((e) => e.from === 'src/app/open-store.ts' && e.to === 'src/storage/sqlite/store.ts'));
});

test('src/ has no import cycle (type-only imports count: a cycle through types is still one tangle)', () => {
  // Each cycle as its imports (file:line), so the message says which line to cut.
  const lineOf = (from: string, to: string): number | undefined => graph.edges.find((e) => e.from === from && e.to === to)?.line;
  const cycles = findCycles(graph).map((c) => c.map((f, i) => (i < c.length - 1 ? `${f}:${lineOf(f, c[i + 1] ?? '')}` : f)).join(' -> '));
  assert.deepEqual(cycles, [], `import cycles — move the shared piece into a file both can import:\n  ${cycles.join('\n  ')}`);
});

test('src/domain imports nothing outside src/domain, and no I/O package', () => {
  const bad = violations((e) => isDomain(e.from) && (e.local ? !isDomain(e.to) : IO_PACKAGES.test(e.specifier)));
  assert.deepEqual(bad, [], `the pure core reached out:\n  ${bad.join('\n  ')}`);
});

test('the store ports (src/storage/ports/) import only src/domain: the core depends on them', () => {
  const isPort = (file: string): boolean => file.startsWith('src/storage/ports/');
  const bad = violations((e) => isPort(e.from) && e.local && !isDomain(e.to) && !isPort(e.to));
  assert.deepEqual(bad, [], `a port depends on more than the domain:\n  ${bad.join('\n  ')}`);
});

test('adapters (storage/sqlite, transports, backup/engines) never import app/ or cli/', () => {
  const bad = violations((e) => isAdapter(e.from) && e.local && isTop(e.to));
  assert.deepEqual(bad, [], `an adapter reaches up into the composition root or the CLI:\n  ${bad.join('\n  ')}`);
});

test('the core (outbox, notify, backup, admin, config, storage ports) never imports app/ or cli/', () => {
  const bad = violations((e) => !isAdapter(e.from) && !isTop(e.from) && e.local && isTop(e.to));
  assert.deepEqual(bad, [], `the core reaches up into the composition root or the CLI:\n  ${bad.join('\n  ')}`);
});

/**
 * Known imports of an adapter from the core that another change removes; listed so that every
 * other one fails. Remove a line when its import goes.
 */
const CORE_TO_ADAPTER_PENDING = new Set<string>([]);

test('an engine\'s set schema imports nothing but config/schema (it stays a declaration the config schema can compose)', () => {
  const bad = violations((e) => isEngineSchema(e.from) && e.local && !e.to.startsWith('src/config/schema/'));
  assert.deepEqual(bad, [], `an engine's config.ts imports more than the schema pieces:\n  ${bad.join('\n  ')}`);
});

/**
 * An adapter's settings schema (`src/backup/engines/<engine>/config.ts`, `src/transports/<x>/config.ts`):
 * owned by the adapter's folder, composed into vigil.yaml's schema by src/config/schema/. Allowed
 * only because it is a leaf — the next test keeps it one — so loading the configuration never
 * loads the adapter.
 */
const isAdapterSchema = (file: string): boolean => /^src\/(backup\/engines|transports)\/[^/]+\/config\.ts$/.test(file);

test('config/ and the rest of the core never import an adapter: only src/app/ chooses adapters', () => {
  const allowed = (e: ImportEdge): boolean => CORE_TO_ADAPTER_PENDING.has(`${e.from} -> ${e.to}`) || (under('config/schema')(e.from) && isAdapterSchema(e.to));
  const bad = violations((e) => !isAdapter(e.from) && !isTop(e.from) && e.local && isAdapter(e.to) && !allowed(e));
  assert.deepEqual(bad, [], `the core depends on a concrete adapter (put the shared rule in the core, or wire it in src/app/):\n  ${bad.join('\n  ')}`);
});

test("an adapter's settings schema (<adapter>/config.ts) imports only zod, src/domain and src/config/schema", () => {
  const bad = violations((e) => isAdapterSchema(e.from) && (e.local ? !isDomain(e.to) && !under('config/schema')(e.to) : e.specifier !== 'zod'));
  assert.deepEqual(bad, [], `a settings schema that config/ composes pulls in more than schema:\n  ${bad.join('\n  ')}`);
});

test('only src/app/ opens the SQLite store: commands get the store through the composition root', () => {
  const bad = violations((e) => e.local && under('storage/sqlite')(e.to) && !under('storage/sqlite', 'app')(e.from));
  assert.deepEqual(bad, [], `SQLite opened outside src/app/:\n  ${bad.join('\n  ')}`);
});
