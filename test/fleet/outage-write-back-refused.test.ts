import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { withCleanups } from '../helpers/cleanups.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { headerOf, SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { countedSetYaml, countLines, Workspace } from '../helpers/workspace.js';
import { startVigilService, withServiceOutput } from '../helpers/vigil-service.js';

// The database returns but refuses the spool's write-back for a reason other than a lost
// connection — here a privilege revoked from the service's role on the table the write-back
// records its token in (an admin's GRANT script that forgot a table). A real `vigil start` as an
// ordinary role on a throwaway cluster, halted and resumed. The service must say so once (not a
// warning every 3 s), alert the admin once, directly (the fault's own channel), retry with a
// growing pause, keep running backups into its spool meanwhile, and flush it once the privilege
// is back.

const cluster = usePostgres(withCleanups());

const refusedLines = (output: string) => output.split('\n').filter((l) => /permission denied for table spool_write_backs/.test(l) && /\bwarn\b/.test(l));

test('a write-back refused by the database is logged once, alerted once directly, retried with back-off; backups go on', { timeout: 300_000 }, async () => {
  const db = await cluster.newDatabase();
  const role = `vigil_wb_${process.pid}`;
  await cluster.query(`CREATE ROLE ${role} LOGIN`);
  // The database's owner: it creates the schema (migrations), as a fleet's `vigil` role does.
  await cluster.query(`ALTER DATABASE ${db.name} OWNER TO ${role}`);
  const url = db.url.replace('postgres@', `${role}@`);
  const peer = await SmtpPeer.start();
  const scratch = new Workspace('');
  const runs = path.join(scratch.dir, 'steady.runs');
  const sets = `database:\n  url: ${url}\nsets:\n${countedSetYaml('steady', runs, path.join(scratch.dir, 'never'))}`;
  const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: sets }).replace('hostname: vigil-test.example.com', 'hostname: fs01'));
  const service = startVigilService(ws.configFile);
  const admin = new pg.Client({ connectionString: db.url });
  let halted = false;
  try {
    await waitFor(() => service.output().includes('vigil started'), { timeoutMs: 60_000, what: 'the service to start' });
    await waitFor(() => countLines(runs) >= 1, { timeoutMs: 60_000, what: 'a run before the outage' });
    await admin.connect();
    // Only the write-back writes this table: the service works as before until the database returns.
    await admin.query(`REVOKE INSERT ON spool_write_backs FROM ${role}`);
    await admin.end();

    await cluster.halt();
    halted = true;
    await waitFor(() => peer.received.some((m) => headerOf(m, 'x-vigil-kind') === 'service.fault.database-unreachable'), { timeoutMs: 60_000, what: 'the database-unreachable alert' });
    const runsInOutage = countLines(runs);
    await waitFor(() => countLines(runs) >= runsInOutage + 2, { timeoutMs: 60_000, what: 'runs during the outage' });
    await cluster.resume();
    halted = false;

    const refusedAlert = () => peer.received.filter((m) => headerOf(m, 'x-vigil-kind') === 'service.fault.database-write-back-failed');
    await waitFor(() => refusedAlert().length > 0, { timeoutMs: 60_000, what: 'the alert that the database refuses the write-back' });
    const alert = refusedAlert()[0]!;
    assert.match(alert.parsed.text ?? '', /permission denied for table spool_write_backs/, 'the alert names the cause');
    assert.match(alert.parsed.text ?? '', /GRANT/, 'and what to do');

    // A while of refusals: backups go on into the spool, one warning, one alert, few attempts.
    const runsRefused = countLines(runs);
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    assert.ok(countLines(runs) >= runsRefused + 3, 'backups kept running while the write-back is refused');
    assert.equal(refusedAlert().length, 1, 'alerted once');
    assert.equal(refusedLines(service.output()).length, 1, `warned once:\n${refusedLines(service.output()).join('\n')}`);
    assert.ok(!/reachable again/.test(service.output()), 'still recording in the spool');

    // The privilege back: the next attempt (within the back-off's ceiling) writes back and flushes.
    const grant = new pg.Client({ connectionString: db.url });
    await grant.connect();
    await grant.query(`GRANT INSERT ON spool_write_backs TO ${role}`);
    await grant.end();
    await waitFor(() => /spool \S+ flushed into the database/.test(service.output()), { timeoutMs: 120_000, what: 'the spool to be flushed once the privilege is back' });

    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0, service.output());
  } catch (error) {
    throw withServiceOutput(error, service);
  } finally {
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
    await service.exited;
    if (halted) await cluster.resume();
    await admin.end().catch(() => undefined);
    await peer.stop();
    ws.cleanup();
    scratch.cleanup();
    await db.drop();
    await cluster.query(`DROP ROLE IF EXISTS ${role}`);
  }
});
