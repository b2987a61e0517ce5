import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { withCleanups } from '../helpers/cleanups.js';
import type { TestDatabase } from '../helpers/postgres.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { Workspace } from '../helpers/workspace.js';
import { startVigilService, type VigilService } from '../helpers/vigil-service.js';

// Issue 15's drill with real processes: real `vigil start` services under different host names on
// one PostgreSQL database (a throwaway cluster), a real SMTP server behind their shared Outbox.
// kill -9 a host → exactly one host-silent alert, and a recovery when it returns; kill -9 the
// leader → another host takes the lease over and reports the old leader once.

interface Service extends VigilService {
  name: string;
}

const cluster = usePostgres(withCleanups());

class Fleet {
  readonly services = new Map<string, Service>();
  readonly workspaces = new Map<string, Workspace>();
  private constructor(
    readonly peer: SmtpPeer,
    readonly db: TestDatabase,
    readonly sql: pg.Client,
  ) {}

  static async start(): Promise<Fleet> {
    const peer = await SmtpPeer.start();
    const db = await cluster.newDatabase();
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    return new Fleet(peer, db, sql);
  }

  /** Starts (or starts again) the service of host `name`: its own data directory, the shared database. */
  async start(name: string): Promise<Service> {
    let ws = this.workspaces.get(name);
    if (!ws) {
      ws = new Workspace(
        smtpConfig({ servers: [{ port: this.peer.port }], extra: `fleet:\n  silentAfter: 5s\ndatabase:\n  url: ${this.db.url}\n` }).replace('hostname: vigil-test.example.com', `hostname: ${name}`),
      );
      this.workspaces.set(name, ws);
    }
    const service = { name, ...startVigilService(ws.configFile) };
    this.services.set(name, service);
    await waitFor(() => service.output().includes('vigil started'), { timeoutMs: 60_000, what: `${name} to start` });
    return service;
  }

  async kill(name: string): Promise<void> {
    const service = this.services.get(name)!;
    service.child.kill('SIGKILL');
    await service.exited;
  }

  /** The holder of the leader's lease, from the database itself. */
  async leader(): Promise<{ owner: string; token: number } | undefined> {
    const { rows } = await this.sql.query<{ owner: string; token: string }>("SELECT owner, token FROM leases WHERE name = 'leader' AND expires_at > $1", [Date.now()]);
    return rows[0] ? { owner: rows[0].owner, token: Number(rows[0].token) } : undefined;
  }

  /** Whether host `name` has registered (its first heartbeat is in the database). */
  async registered(name: string): Promise<boolean> {
    return (await this.sql.query('SELECT 1 FROM hosts WHERE name = $1', [name])).rowCount === 1;
  }

  received(): string[] {
    return this.peer.received.map((m) => `${String(m.parsed.headers.get('x-vigil-kind'))} ${String(m.parsed.headers.get('x-vigil-host'))}`);
  }

  async close(): Promise<void> {
    for (const s of this.services.values()) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all([...this.services.values()].map((s) => s.exited));
    await this.sql.end();
    await this.db.drop();
    await this.peer.stop();
    for (const ws of this.workspaces.values()) ws.cleanup();
  }
}

describe('a fleet of real vigil start processes on one PostgreSQL database', () => {
  it('kill -9 a host: exactly one host-silent alert, and a recovery when it returns', { timeout: 240_000 }, async () => {
    const fleet = await Fleet.start();
    try {
      await fleet.start('fs01');
      await waitFor(async () => (await fleet.leader())?.owner.startsWith('fs01:') ?? false, { timeoutMs: 60_000, what: 'fs01 to lead' });
      await fleet.start('web02');
      await waitFor(() => fleet.registered('web02'), { timeoutMs: 30_000, what: 'web02 to register' });
      await fleet.kill('web02');
      await waitFor(() => fleet.peer.received.length >= 1, { timeoutMs: 90_000, what: 'the host-silent alert' });
      assert.deepEqual(fleet.received(), ['host.silent web02']);
      assert.match(fleet.peer.received[0]!.parsed.subject ?? '', /^\[Vigil\] HOST SILENT: web02 not seen since /);

      await fleet.start('web02');
      await waitFor(() => fleet.peer.received.length >= 2, { timeoutMs: 90_000, what: 'the recovery notice' });
      assert.deepEqual(fleet.received(), ['host.silent web02', 'host.recovered web02'], 'the alert once, then the recovery');
    } finally {
      await fleet.close();
    }
  });

  it('kill -9 the leader: another host takes the lease over with a greater token and reports the old leader once', { timeout: 240_000 }, async () => {
    const fleet = await Fleet.start();
    try {
      await fleet.start('fs01');
      await waitFor(async () => (await fleet.leader())?.owner.startsWith('fs01:') ?? false, { timeoutMs: 60_000, what: 'fs01 to lead' });
      const first = (await fleet.leader())!;
      const web02 = await fleet.start('web02');
      await fleet.kill('fs01');
      await waitFor(async () => (await fleet.leader())?.owner === `web02:${web02.child.pid}`, { timeoutMs: 90_000, what: 'web02 to take the lease over' });
      assert.ok((await fleet.leader())!.token > first.token, 'the fencing token grows');
      // Logged just after the lease is taken: the line may reach us a moment after the database shows it.
      await waitFor(() => /leading the fleet \(lease \d+\)/.test(web02.output()), { timeoutMs: 30_000, what: 'web02 to log that it leads the fleet' });
      await waitFor(() => fleet.peer.received.length >= 1, { timeoutMs: 90_000, what: 'the host-silent alert about the old leader' });
      assert.deepEqual(fleet.received(), ['host.silent fs01']);
    } finally {
      await fleet.close();
    }
  });
});
