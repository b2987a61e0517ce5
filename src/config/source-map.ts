import type { KeyPath } from '../domain/problem.js';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';

/**
 * Finds the line of a key path in the YAML source, so every problem can say `file:line`.
 * For a path that does not exist (a missing key) it answers with the line of the nearest
 * parent that does.
 */
export class YamlSourceMap {
  readonly document: Document;
  private readonly lines: LineCounter;

  constructor(text: string) {
    this.lines = new LineCounter();
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  lineOf(path: KeyPath, { key = false }: { key?: boolean } = {}): number {
    let node: unknown = this.document.contents;
    let line = this.lineAt(node) ?? 1;
    for (const segment of path) {
      const found = childOf(node, segment);
      if (!found) break;
      node = found.value ?? found.key;
      line = this.lineAt(key ? found.key : node) ?? this.lineAt(found.key) ?? line;
    }
    return line;
  }

  /** Line of `path`'s key itself (for "unknown key" problems). */
  lineOfKey(path: KeyPath): number {
    return this.lineOf(path, { key: true });
  }

  /** Line of the first alias (`*name`) in the file, or 1. */
  lineOfFirstAlias(): number {
    let line = 1;
    visit(this.document, {
      Alias: (_key, node) => {
        line = this.lineAt(node) ?? 1;
        return visit.BREAK;
      },
    });
    return line;
  }

  lineOfOffset(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  private lineAt(node: unknown): number | undefined {
    if (node && typeof node === 'object' && 'range' in node) {
      const range = (node as Node).range;
      if (range) return this.lines.linePos(range[0]).line;
    }
    return undefined;
  }
}

function childOf(node: unknown, segment: string | number): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === String(segment)) return { key: pair.key, value: pair.value };
    }
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    if (item) return { key: item, value: item };
  }
  return undefined;
}
