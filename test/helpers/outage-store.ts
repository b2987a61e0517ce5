import assert from 'node:assert/strict';
import { openServiceStore } from '../../src/app/open-store.js';
import { SpoolingStore, storeFallback } from '../../src/app/spooling-store.js';
import { PRIORITY } from '../../src/domain/message.js';
import { Outbox } from '../../src/outbox/outbox.js';
import type { TestDatabase } from './postgres.js';
import type { FileCluster } from './use-postgres.js';
import { FakeClock } from './fake-clock.js';
import { Workspace } from './workspace.js';
import { waitFor } from './wait-for.js';

/** A case of a PostgreSQL outage, as the service's own store (spooling-store.ts) lives it. */
export interface OutageCase {
  db: TestDatabase;
  ws: Workspace;
  clock: FakeClock;
  store: SpoolingStore;
  /** What the store told: the database found back, a spool flushed. */
  heard: { back: number; flushed: number };
  /** Stops and starts the file's cluster: the outage. */
  halt(): Promise<void>;
  resume(): Promise<void>;
  /** Keeps the spool from being flushed (in the service: a run still going in it) until the returned function is called. */
  holdFlush(): () => Promise<void>;
}

/**
 * Runs `body` on a fresh database of `cluster` with the service's store of host fs01 on it, the
 * clock at `start`. Whatever `body` does, a hold is let go, the cluster started again (the file's
 * other tests use it), the store closed and the database dropped.
 */
export async function withOutageStore(cluster: FileCluster, start: number, body: (c: OutageCase) => Promise<void>): Promise<void> {
  const db = await cluster.newDatabase();
  const ws = new Workspace('');
  const clock = new FakeClock(start);
  const store = await openServiceStore({ dataDir: ws.dataDir, hostname: 'fs01', database: { url: db.url } }, { clock });
  assert.ok(store instanceof SpoolingStore);
  const heard = { back: 0, flushed: 0 };
  storeFallback(store)!.listen({
    unreachable: () => undefined,
    note: (line) => {
      if (line.startsWith('database reachable again')) heard.back++;
    },
    flushed: () => heard.flushed++,
    refused: () => undefined,
  });
  let halted = false;
  const releases: Array<() => void> = [];
  const holdFlush = () => {
    let release!: () => void;
    const holding = store.holding(() => new Promise<void>((resolve) => (release = resolve)));
    releases.push(release);
    return async () => {
      release();
      await holding;
    };
  };
  const halt = async () => {
    await cluster.halt();
    halted = true;
  };
  const resume = async () => {
    await cluster.resume();
    halted = false;
  };
  try {
    await body({ db, ws, clock, store, heard, halt, resume, holdFlush });
  } finally {
    for (const release of releases) release();
    if (halted) await cluster.resume();
    await store.close();
    ws.cleanup();
    await db.drop();
  }
}

/** A message queued and given up on during the outage, left in the spool (not flushed) once the database is back. */
export async function failedInTheSpool({ clock, store, heard, halt, resume, holdFlush }: OutageCase): Promise<{ id: string; release: () => Promise<void> }> {
  await halt();
  const outbox = new Outbox({ store: store.outbox, clock, messageIdDomain: 'fs01.example.com', host: 'fs01' });
  const { id } = await outbox.enqueue({ kind: 'backup.failed', severity: 'critical', priority: PRIORITY.critical, profile: 'office', from: 'vigil@example.com', to: ['ops@example.com'], subject: 'documents failed', text: 'x' });
  await store.outbox.fail(id, '550 mailbox unavailable', clock.now());
  const release = holdFlush();
  await resume();
  await waitFor(() => heard.back > 0, { timeoutMs: 60_000, what: 'the database to be found back' });
  return { id, release };
}
