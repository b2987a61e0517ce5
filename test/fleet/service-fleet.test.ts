import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import type { Store } from '../../src/storage/ports/store.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { Workspace } from '../helpers/workspace.js';
import { startVigilService, type VigilService } from '../helpers/vigil-service.js';

// A real `vigil start` (host fs01) leads the fleet of its store and watches web02, a second host
// whose heartbeats the test writes through its own handle on the same database, as web02's
// service would. web02 falls silent (as after kill -9): one host-silent alert reaches the SMTP
// server. The leader is killed with SIGKILL and started again: it takes the lease back and does
// not alert the same silence again; web02 returns: one recovery notice.
// Two real services on one PostgreSQL database: fleet-postgres.test.ts.

type Service = VigilService;

const startService = startVigilService;

const kinds = (peer: SmtpPeer) => peer.received.map((m) => `${String(m.parsed.headers.get('x-vigil-kind'))} ${String(m.parsed.headers.get('x-vigil-host'))}`);

/** Resolves once `owner`'s lease has been renewed at least once (so it has run a whole watchdog pass). */
async function ledOnePass(store: Store, owner: RegExp): Promise<void> {
  let first: number | undefined;
  await waitFor(
    async () => {
      const holder = await store.leases.holder('leader', Date.now());
      if (!holder || !owner.test(holder.owner)) return false;
      first ??= holder.expiresAt;
      return holder.expiresAt > first;
    },
    { timeoutMs: 60_000, what: `a renewal of the lease by ${owner}` },
  );
}

describe('the host-silence watchdog in a real vigil start', () => {
  it('alerts a silent host once, not again after the leader is killed and restarted, and tells its recovery', { timeout: 180_000 }, async () => {
    const peer = await SmtpPeer.start();
    const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra: 'fleet:\n  silentAfter: 5s\n' }).replace('hostname: vigil-test.example.com', 'hostname: fs01'));
    const store = openSqliteStore(ws.dataDir);
    const services: Service[] = [];
    try {
      await store.hosts.register({ name: 'web02', version: '0.1.0', startedAt: Date.now(), sets: [{ name: 'mail', schedule: '0 3 * * *' }] }, Date.now());
      services.push(startService(ws.configFile));
      await waitFor(() => services[0]!.output().includes('vigil started'), { timeoutMs: 60_000, what: 'the service to start' });
      // web02's last heartbeat was at its registration: it is silent from 5 s on.
      await waitFor(() => peer.received.length >= 1, { timeoutMs: 60_000, what: 'the host-silent alert' });
      assert.deepEqual(kinds(peer), ['host.silent web02']);
      assert.match(peer.received[0]!.parsed.subject ?? '', /^\[Vigil\] HOST SILENT: web02 not seen since /);
      assert.match(peer.received[0]!.parsed.text ?? '', /Scheduled sets on web02: mail \(0 3 \* \* \*\)/);
      // Led by the service (on SQLite it does not log it: docs/fleet.md, The leader).
      assert.equal((await store.leases.holder('leader', Date.now()))?.owner, `fs01:${services[0]!.child.pid}`);
      assert.equal((await store.hosts.get('fs01'))?.stoppedAt, null, 'the service registered its own host');

      // kill -9 the leader, start it again: a new process, a new lease owner. Not before the
      // Outbox has recorded the alert sent: killed between the server's 250 and that record, the
      // message is delivered again on restart (at least once, flagged a possible duplicate) —
      // a delivery guarantee, not the watchdog's.
      await waitFor(async () => (await store.outbox.list({ states: ['sent'] })).length >= 1, { timeoutMs: 30_000, what: 'the alert recorded sent' });
      services[0]!.child.kill('SIGKILL');
      await services[0]!.exited;
      services.push(startService(ws.configFile));
      await waitFor(() => services[1]!.output().includes('vigil started'), { timeoutMs: 60_000, what: 'the restarted service' });
      await ledOnePass(store, new RegExp(`^fs01:${services[1]!.child.pid}$`));
      assert.deepEqual(kinds(peer), ['host.silent web02'], 'the same silence is not alerted again');

      // web02 is back.
      await store.hosts.register({ name: 'web02', version: '0.1.0', startedAt: Date.now(), sets: [] }, Date.now());
      await waitFor(() => peer.received.length >= 2, { timeoutMs: 60_000, what: 'the recovery notice' });
      assert.deepEqual(kinds(peer), ['host.silent web02', 'host.recovered web02']);

      // A clean stop: fs01 is recorded stopped, and its lease is given up.
      services[1]!.child.kill('SIGTERM');
      assert.equal(await services[1]!.exited, 0, services[1]!.output());
      assert.notEqual((await store.hosts.get('fs01'))?.stoppedAt, null);
      assert.equal(await store.leases.holder('leader', Date.now()), undefined);
    } finally {
      for (const s of services) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
      await Promise.all(services.map((s) => s.exited));
      await store.close();
      await peer.stop();
      ws.cleanup();
    }
  });
});
