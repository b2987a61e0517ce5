import { encodeIndex, type BlobIndex, type IndexedPack } from './blob-index.js';
import type { EngineLogEntry } from '../../engine.js';
import type { Vault } from './vault.js';

/**
 * Resuming an offsite upload. A run the connection dropped under (or that was killed) leaves packs
 * stored but never indexed; their blobs would be sent again. Every pack on a backend is complete
 * (writes are all-or-nothing) and its header is sealed (authenticated in an encrypted vault), so
 * the blobs a header lists are what the pack holds: an index file naming those packs is written,
 * and the run reuses them. A pack whose header cannot be read is left alone (prune removes it).
 * Returns the bytes of the packs taken in. One listing of data/ and two small reads per pack.
 */
export async function adoptUnindexedPacks(vault: Vault, index: BlobIndex, log: EngineLogEntry[], signal?: AbortSignal): Promise<number> {
  const known = new Set(index.packIds());
  const adopted: IndexedPack[] = [];
  let bytes = 0;
  for (const [packId, size] of await vault.listPacks()) {
    if (known.has(packId) || signal?.aborted) continue;
    try {
      adopted.push({ packId, blobs: await vault.readPackHeader(packId) });
      bytes += size;
    } catch {
      // Unreadable header: not trusted, not reused.
    }
  }
  if (adopted.length === 0) return 0;
  await vault.writeObject('index', encodeIndex(adopted));
  for (const pack of adopted) index.addPack(pack);
  log.push({ severity: 'info', message: `${adopted.length} packs (${bytes} bytes) an interrupted run had stored in ${vault.root} were indexed and are reused, not sent again` });
  return bytes;
}
