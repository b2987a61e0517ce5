import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './workspace.js';

/**
 * A copy of one test entry point, and everything it imports, that another user can run.
 *
 * Tests that need a permission error while running as root start a child as `nobody`. That child
 * cannot read the checkout when it lives under a private directory (a clone in /root, a 0700
 * CI workspace), nor tsx in its node_modules. So the entry's import closure is transpiled to
 * plain JavaScript (type erasure only, imports keep their `.js` names) in a fresh world-readable
 * temporary directory, with the npm packages it imports copied beside it; the child runs it with
 * bare `node`, no loader. Remove it with `cleanup()`.
 */
export interface UnprivilegedCopy {
  /** The world-readable directory (use it as the child's cwd). */
  dir: string;
  /** Absolute path of the transpiled entry point. */
  entry: string;
  cleanup(): void;
}

export function unprivilegedCopy(entryTs: string): UnprivilegedCopy {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-unprivileged-'));
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = [path.resolve(entryTs)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const js = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    }).outputText;
    const out = path.join(dir, path.relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, js);
    for (const specifier of importsOf(js)) {
      if (specifier.startsWith('node:')) continue;
      if (specifier.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts'));
      else packages.add(packageName(specifier));
    }
  }
  copyPackages(packages, dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  makeWorldReadable(dir);
  return { dir, entry: path.join(dir, path.relative(REPO_ROOT, entryTs)).replace(/\.ts$/, '.js'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Static and dynamic import specifiers of transpiled JavaScript, and `new URL('./worker.js', …)` entries. */
function importsOf(js: string): string[] {
  const found: string[] = [];
  for (const match of js.matchAll(/new URL\(\s*['"](\.[^'"]+\.[jt]s)['"]/g)) found.push(match[1]!.replace(/\.ts$/, '.js'));
  for (const match of js.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) {
    found.push((match[1] ?? match[2] ?? match[3])!);
  }
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Copies each package and, transitively, its dependencies into dir/node_modules. */
function copyPackages(names: Set<string>, dir: string): void {
  const queue = [...names];
  const copied = new Set<string>();
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (copied.has(name)) continue;
    copied.add(name);
    // node_modules is flat (npm): a package's dependencies are its siblings.
    const source = realpathSync(path.join(REPO_ROOT, 'node_modules', name));
    const manifest = path.join(source, 'package.json');
    cpSync(source, path.join(dir, 'node_modules', name), { recursive: true, dereference: true });
    const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
    queue.push(...Object.keys(dependencies));
  }
}

/** mkdtemp makes the directory 0700, and copies keep the source's modes: open it all up for reading. */
function makeWorldReadable(dir: string): void {
  chmodSync(dir, statSync(dir).mode | 0o555);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWorldReadable(full);
    else chmodSync(full, statSync(full).mode | 0o444);
  }
}
