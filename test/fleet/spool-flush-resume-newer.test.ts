import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { resumeAlerts } from '../../src/app/alert-pauses.js';
import { LocalSpool } from '../../src/app/local-spool.js';
import { flushSpool } from '../../src/app/spool-flush.js';
import { writeBackHostState } from '../../src/app/spool-write-back.js';
import { loadConfig } from '../../src/config/load.js';
import { openPgStore } from '../../src/storage/postgres/store.js';
import { withCleanups } from '../helpers/cleanups.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { Workspace } from '../helpers/workspace.js';

// The mirror of spool-flush-pause-newer.test.ts: a pause set on the host during the outage (the
// console, into the spool) and ended in the database after its return — `vigil resume` run
// against PostgreSQL while the spool is not yet copied (the write-back refused, or the service
// stopped during the outage and its spool left behind) — must stay ended when the spool is copied.
// `vigil resume` is the newer word; the spool's older pause must not come back (alerts of the set
// silently suppressed until somebody looks at `vigil pause --list`).

const cluster = usePostgres(withCleanups());

const T0 = Date.parse('2026-11-29T10:00:00Z');
const MIN = 60_000;
const SETS = `sets:
  alpha: { engine: command, command: ["false"] }
  beta: { engine: command, command: ["false"] }
`;

type Copy = (spool: LocalSpool, db: Awaited<ReturnType<typeof openPgStore>>['db'], now: number) => Promise<unknown>;
const COPIES: Record<string, Copy> = {
  'the flush of a spool left behind': (spool, db, now) => flushSpool(spool.raw, db, spool.id, 'fs01', now),
  'the write-back': (spool, db, now) => writeBackHostState(spool.raw, spool.id, db, 'fs01', now),
};
const RESUMES: Record<string, string[]> = { 'vigil resume alpha': ['alpha'], 'vigil resume (every set)': [] };

for (const [how, copy] of Object.entries(COPIES)) {
  for (const [resume, sets] of Object.entries(RESUMES)) {
    test(`a pause of the outage ended by \`${resume}\` in the database after the return stays ended through ${how}`, { timeout: 120_000 }, async () => {
      const db = await cluster.newDatabase();
      const ws = new Workspace(smtpConfig({ servers: [{ port: 1 }], extra: SETS }));
      const pg = await openPgStore({ url: db.url }, { host: 'fs01' });
      try {
        const { config } = loadConfig(ws.configFile);
        // During the outage: alpha paused on the host's console, until resumed: in the spool only.
        const spool = LocalSpool.create(path.join(ws.dir, 'outage'));
        await spool.store.alertPauses.pause(['alpha'], T0 + MIN, null);
        // The database is back, the spool not yet copied: `vigil resume` against it.
        await resumeAlerts(pg.alertPauses, config, sets, T0 + 5 * MIN);

        await copy(spool, pg.db, T0 + 6 * MIN);
        await spool.close();

        assert.deepEqual(await pg.alertPauses.active(T0 + 7 * MIN), [], 'alpha stays resumed');
        // A pause set after that is in force as ever.
        await resumeAlerts(pg.alertPauses, config, ['beta'], T0 + 8 * MIN);
        await pg.alertPauses.pause(['alpha'], T0 + 9 * MIN, null);
        assert.deepEqual((await pg.alertPauses.active(T0 + 10 * MIN)).map((p) => [p.set, p.since]), [['alpha', T0 + 9 * MIN]]);
      } finally {
        await pg.close();
        ws.cleanup();
        await db.drop();
      }
    });
  }
}
