import type { Store } from '../storage/ports/store.js';

/**
 * Whether a listing shows a HOST column: when hosts share the store (more than one registered),
 * or the rows shown come from more than one host. A single host's listings stay as they were.
 */
export async function showsHostColumn(store: Pick<Store, 'hosts'>, rows: ReadonlyArray<{ host: string | null }>): Promise<boolean> {
  if (new Set(rows.map((r) => r.host).filter((h) => h !== null)).size > 1) return true;
  return (await store.hosts.list()).length > 1;
}

/** A table's headers and rows with HOST first, when it is shown. */
export function withHostColumn<T extends { host: string | null }>(show: boolean, headers: string[], rows: readonly T[], cells: (row: T) => string[]): [string[], string[][]] {
  if (!show) return [headers, rows.map(cells)];
  return [['HOST', ...headers], rows.map((r) => [r.host ?? '-', ...cells(r)])];
}
