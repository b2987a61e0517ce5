import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetLeader } from '../../src/app/fleet-leader.js';
import type { Logger } from '../../src/domain/logger.js';
import { PgDatabase } from '../../src/storage/postgres/database.js';
import { PgLeaderLease } from '../../src/storage/postgres/leader-lease.js';
import { migrate } from '../../src/storage/postgres/migrate.js';
import { withCleanups } from '../helpers/cleanups.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { usePostgres } from '../helpers/use-postgres.js';

/** Every line logged, as `level: text`. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

// During a PostgreSQL outage every service looks for the leader's lease every ttl/4 (2.5 s at
// the default 10 s): the database's own alert (database-unreachable) tells the admin; the log
// should say it once, not add a line at every look for as long as the outage lasts.
describe('the fleet leader during a PostgreSQL outage', () => {
  const cleanups = withCleanups();
  const cluster = usePostgres(cleanups);

  it('logs a lease it cannot read once per cause (again after 15 minutes), and when it can again', { timeout: 120_000 }, async () => {
    const database = await cluster.newDatabase();
    const db = new PgDatabase({ url: database.url });
    cleanups.push(() => db.close());
    await migrate(db);
    const clock = new FakeClock();
    const log = recordingLogger();
    const leader = new FleetLeader({ leases: new PgLeaderLease(db), owner: 'fs01:1', ttlMs: 10_000, shared: true, clock, log, duties: async () => undefined });
    await leader.look();
    assert.ok(leader.isLeader);

    await cluster.halt();
    try {
      for (let i = 0; i < 8; i++) {
        clock.advance(2_500);
        await leader.look();
      }
      assert.equal(leader.isLeader, false, 'not knowing is not holding');
      const cannot = () => log.lines.filter((line) => /could not take or renew the lease/.test(line));
      // One line per cause: the first look may still meet the connection the halt ended (its own
      // message) before every later one is refused.
      const said = cannot();
      assert.ok(said.length >= 1 && said.length <= 2 && new Set(said).size === said.length, `each cause once for eight looks:\n${log.lines.join('\n')}`);
      clock.advance(15 * 60_000);
      await leader.look();
      assert.equal(cannot().length, said.length + 1, 'said again after 15 minutes');
    } finally {
      await cluster.resume();
    }
    clock.advance(60_000);
    await leader.look();
    assert.ok(leader.isLeader, 'leads again once the lease can be read');
    assert.match(log.lines.join('\n'), /info: fleet leader: the lease can be read again/);
  });
});
