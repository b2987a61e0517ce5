import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The import graph of a source tree, read with the TypeScript parser (no new dependency): every
 * relative `import`, `export … from` and `import()` of every .ts file, type-only ones included —
 * a cycle through types is still two modules that cannot be understood apart. Package imports
 * (`node:fs`, `zod`) are kept as edges too so rules can name them; they have no file.
 */

export interface ImportEdge {
  /** Importing file, relative to the root with forward slashes (`src/notify/storm.ts`). */
  from: string;
  /** Imported file for a relative specifier (same form), or the bare specifier of a package. */
  to: string;
  /** As written in the source. */
  specifier: string;
  line: number;
  typeOnly: boolean;
  /** Whether `to` is a file of the tree (false: a package or a Node built-in). */
  local: boolean;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
}

export function readImportGraph(root: string, dir: string): ImportGraph {
  const files = listTs(path.join(root, dir)).map((f) => toPosix(path.relative(root, f))).sort();
  const edges: ImportEdge[] = [];
  for (const file of files) edges.push(...importsOf(root, file));
  return { files, edges };
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (literal: ts.StringLiteralLike, typeOnly: boolean): void => {
    const specifier = literal.text;
    const line = source.getLineAndCharacterOfPosition(literal.getStart(source)).line + 1;
    const local = specifier.startsWith('.');
    const to = local ? resolveLocal(file, specifier) : specifier;
    edges.push({ from: file, to, specifier, line, typeOnly, local });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteralLike(node.moduleSpecifier)) {
      add(node.moduleSpecifier, isTypeOnlyImport(node));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) add(arg, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteralLike(node.argument.literal)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x.js'`: run for its effect
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** `./x.js` written in `src/a/b.ts` is `src/a/x.ts` (NodeNext: the specifier names the output). */
function resolveLocal(from: string, specifier: string): string {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return joined.replace(/\.js$/, '.ts');
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * Every import cycle, one per strongly connected component of local files (Tarjan), each shown as
 * one closed path through it so a message can name the imports to cut. Components are sorted.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>();
  for (const f of graph.files) next.set(f, []);
  for (const e of graph.edges) if (e.local && next.has(e.to)) next.get(e.from)?.push(e.to);
  const components = stronglyConnected(graph.files, next);
  const cycles: string[][] = [];
  for (const members of components) {
    const inside = new Set(members);
    const selfLoop = members.length === 1 && (next.get(members[0] ?? '') ?? []).includes(members[0] ?? '');
    if (members.length < 2 && !selfLoop) continue;
    cycles.push(closedPath(members.sort()[0] ?? '', next, inside));
  }
  return cycles.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

function stronglyConnected(nodes: string[], next: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  // Iterative, so a long chain of imports cannot overflow the call stack.
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
    index.set(start, counter); low.set(start, counter); counter++;
    stack.push(start); onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const succ = next.get(top.node) ?? [];
      if (top.i < succ.length) {
        const w = succ[top.i++]!;
        if (!index.has(w)) {
          index.set(w, counter); low.set(w, counter); counter++;
          stack.push(w); onStack.add(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === index.get(top.node)) {
        const members: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          members.push(w);
        } while (w !== top.node);
        out.push(members);
      }
    }
  }
  return out;
}

/** A shortest path from `start` back to itself inside one component (breadth-first). */
function closedPath(start: string, next: Map<string, string[]>, inside: Set<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const w of next.get(node) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const pathBack = [node];
        while (pathBack[0] !== start) pathBack.unshift(previous.get(pathBack[0]!)!);
        return [...pathBack, start];
      }
      if (!previous.has(w)) {
        previous.set(w, node);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
