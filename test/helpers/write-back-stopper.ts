import { LocalSpool } from '../../src/app/local-spool.js';
import { copySnapshot, forgetSnapshot, settleWriteBacks, snapshotHostState } from '../../src/app/spool-write-back.js';
import { PgDatabase } from '../../src/storage/postgres/database.js';

// A process that writes back the one spool of VIGIL_TEST_DATA_DIR into VIGIL_TEST_DB_URL step by
// step, as writeBackHostState (spool-write-back.ts) does, and stops at VIGIL_TEST_STOP_AT —
// 'snapshotted' (step 1 done), 'copying' (step 2's transaction open, its rows written, not
// committed) or 'copied' (committed, step 3 not made) — saying so on stdout, for the test to
// SIGKILL it there. Read by tests only: src has no stopping point.

const dataDir = process.env.VIGIL_TEST_DATA_DIR!;
const stopAt = process.env.VIGIL_TEST_STOP_AT!;
const host = process.env.VIGIL_TEST_HOST ?? 'fs01';

// Alive until killed: nothing else may keep the event loop going (an idle pool lets go).
function stop(point: string): Promise<never> {
  setInterval(() => undefined, 1_000);
  process.stdout.write(`stopped at ${point}\n`);
  return new Promise<never>(() => undefined);
}

const [spool] = LocalSpool.leftovers(dataDir);
if (!spool) throw new Error(`no spool in ${dataDir}`);
const db = new PgDatabase({ url: process.env.VIGIL_TEST_DB_URL! });
await settleWriteBacks(spool.raw, db);
const token = `${spool.id}:stopper`;
snapshotHostState(spool.raw, token);
if (stopAt === 'snapshotted') await stop(stopAt);
await db.transaction(async (tx) => {
  await copySnapshot(tx, spool.raw, token, host, Date.now());
  if (stopAt === 'copying') await stop(stopAt);
});
if (stopAt === 'copied') await stop(stopAt);
forgetSnapshot(spool.raw, token);
await spool.close();
await db.close();
