import { before } from 'node:test';
import { withCleanups } from '../helpers/cleanups.js';
import type { TestDatabase } from '../helpers/postgres.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import type { Store } from '../../src/storage/ports/store.js';
import type { OpenStore } from './store/harness.js';
import { storeConformance } from './store/index.js';

// One throwaway cluster for the file; every case gets its own database, a copy of one migrated
// template (CREATE DATABASE … TEMPLATE): migrating a new database per case would cost most of
// the run.
const cluster = usePostgres(withCleanups());
let template: TestDatabase;
before(async () => {
  template = await cluster.newDatabase();
  const migrated = await openPgStore({ url: template.url });
  await migrated.close();
});

/** The PostgreSQL row of every store port's conformance suite. */
const openPostgres: OpenStore = async () => {
  const database = await cluster.newDatabase(template.name);
  const handles: Store[] = [await openPgStore({ url: database.url }, { migrate: false })];
  return {
    store: handles[0]!,
    async another(options) {
      const handle = await openPgStore({ url: database.url }, { migrate: false, ...options });
      handles.push(handle);
      return handle;
    },
    async close() {
      for (const handle of handles) await handle.close();
      await database.drop();
    },
  };
};

storeConformance('postgres', openPostgres);
