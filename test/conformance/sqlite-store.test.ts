import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { DATABASE_FILE, openSqliteStore } from '../../src/storage/sqlite/store.js';
import type { Store } from '../../src/storage/ports/store.js';
import type { OpenStore } from './store/harness.js';
import { storeConformance } from './store/index.js';

// Every case gets its own database file, copied from one migrated (then closed, so checkpointed)
// database: migrating a new file per case would cost the suite most of its run time.
let template: string | undefined;
function migratedTemplate(): string {
  if (!template) {
    template = mkdtempSync(path.join(tmpdir(), 'vigil-conformance-template-'));
    const migrated = openSqliteStore(template);
    void migrated.close();
  }
  return path.join(template, DATABASE_FILE);
}
after(() => {
  if (template) rmSync(template, { recursive: true, force: true });
});

/** The SQLite row of every store port's conformance suite. */
const openSqlite: OpenStore = async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-conformance-'));
  copyFileSync(migratedTemplate(), path.join(dir, DATABASE_FILE));
  const handles: Store[] = [openSqliteStore(dir)];
  return {
    store: handles[0]!,
    async another(options) {
      const handle = openSqliteStore(dir, options);
      handles.push(handle);
      return handle;
    },
    async close() {
      for (const handle of handles) await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

storeConformance('sqlite', openSqlite);
