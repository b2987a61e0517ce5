import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { withCleanups } from '../helpers/cleanups.js';
import type { TestDatabase } from '../helpers/postgres.js';
import { usePostgres } from '../helpers/use-postgres.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { waitFor } from '../helpers/wait-for.js';
import { Workspace } from '../helpers/workspace.js';
import { startVigilService, type VigilService } from '../helpers/vigil-service.js';

// Issue 15's shared Outbox with real processes: real `vigil start` services on one PostgreSQL
// database. fs01 queues a critical alert its relay refuses for now, and is killed with SIGKILL.
// db03, whose profile "office" points at another relay (another fingerprint), never takes it,
// even with fs01 silent; web02, whose "office" is fs01's (same fingerprint), delivers it, once.

const cluster = usePostgres(withCleanups());

type Service = VigilService;

class Rig {
  readonly services: Service[] = [];
  readonly workspaces = new Map<string, Workspace>();
  constructor(
    readonly db: TestDatabase,
    readonly sql: pg.Client,
  ) {}

  /** The configuration of host `name`: its own data directory, its relay, the shared database. */
  host(name: string, relayPort: number): Workspace {
    const yaml = smtpConfig({ servers: [{ port: relayPort }], extra: `fleet:\n  silentAfter: 5s\ndatabase:\n  url: ${this.db.url}\n` })
      .replace('hostname: vigil-test.example.com', `hostname: ${name}`)
      // Retries come soon, so the drill does not wait out minutes of backoff.
      .replace('minBackoff: 1m', 'minBackoff: 2s');
    const ws = new Workspace(yaml);
    this.workspaces.set(name, ws);
    return ws;
  }

  async start(name: string): Promise<Service> {
    const ws = this.workspaces.get(name)!;
    const service = startVigilService(ws.configFile);
    this.services.push(service);
    await waitFor(() => service.output().includes('vigil started'), { timeoutMs: 60_000, what: `${name} to start` });
    await waitFor(async () => (await this.sql.query('SELECT 1 FROM hosts WHERE name = $1', [name])).rowCount === 1, { timeoutMs: 30_000, what: `${name} to register` });
    return service;
  }

  async message(id: string): Promise<{ state: string; next_attempt_at: string; delivered_by: string | null; message_id: string }> {
    return (await this.sql.query('SELECT state, next_attempt_at, delivered_by, message_id FROM messages WHERE id = $1', [id])).rows[0];
  }

  async attemptHosts(id: string): Promise<Array<string | null>> {
    return (await this.sql.query<{ host: string | null }>('SELECT host FROM attempts WHERE message = $1 ORDER BY id', [id])).rows.map((r) => r.host);
  }

  async close(): Promise<void> {
    for (const s of this.services) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(this.services.map((s) => s.exited));
    await this.sql.end();
    await this.db.drop();
    for (const ws of this.workspaces.values()) ws.cleanup();
  }
}

/** The messages a relay received with this Message-ID. */
function copies(relay: SmtpPeer, messageId: string): number {
  return relay.received.filter((m) => m.parsed.messageId === messageId).length;
}

test('a killed host’s alert is delivered once by a host with the same profile, never by one with another', { timeout: 300_000 }, async () => {
  const db = await cluster.newDatabase();
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  const rig = new Rig(db, sql);
  const relay = await SmtpPeer.start(); // fs01's and web02's relay: one "office" for both
  const otherRelay = await SmtpPeer.start(); // db03's "office": same name, another relay
  try {
    const fs01 = rig.host('fs01', relay.port);
    rig.host('web02', relay.port);
    const db03 = rig.host('db03', otherRelay.port);
    await rig.start('fs01');
    await rig.start('db03');

    // fs01 queues a critical alert; its relay refuses it for now.
    relay.injections.push({ at: 'RCPT', code: 451, text: '4.3.0 try again later' });
    const fault = await fs01.vigil(['notify', 'fault', 'vault-unreachable', '--detail', 'the vault at sftp://backup.example.com does not answer', '--json']);
    const id = (JSON.parse(fault.stdout) as { deliveries: Array<{ id?: string }> }).deliveries[0]?.id;
    assert.ok(id, `the alert was queued in the Outbox: ${fault.stdout}${fault.stderr}`);
    assert.equal((await rig.message(id).then((m) => m.state)), 'deferred');
    const { message_id: messageId } = await rig.message(id);

    // kill -9 fs01, and let its relay take mail again.
    rig.services[0]!.child.kill('SIGKILL');
    await rig.services[0]!.exited;
    relay.injections.length = 0;

    // db03 sees fs01 silent (its host-silent alert goes out through db03's relay) and the alert
    // due; a delivery pass of db03's own then still leaves it: db03's "office" is another relay.
    await waitFor(() => otherRelay.received.some((m) => m.parsed.headers.get('x-vigil-kind') === 'host.silent'), { timeoutMs: 90_000, what: 'db03 to report fs01 silent' });
    await waitFor(async () => Number((await rig.message(id)).next_attempt_at) < Date.now() - 1_000, { timeoutMs: 60_000, what: 'the alert to be due' });
    // Nothing else holds it back from db03: no route suspension is in force (fs01's ended with it).
    assert.equal((await sql.query('SELECT 1 FROM route_suspensions WHERE until > $1', [Date.now()])).rowCount, 0);
    const before = { state: (await rig.message(id)).state, attempts: (await rig.attemptHosts(id)).length };
    const pass = await db03.vigil(['outbox', 'deliver']);
    assert.equal(pass.code, 0, pass.stderr);
    assert.deepEqual({ state: (await rig.message(id)).state, attempts: (await rig.attemptHosts(id)).length }, before, 'db03 did not take it');
    assert.equal(copies(otherRelay, messageId), 0);
    assert.ok(!(await rig.attemptHosts(id)).includes('db03'));

    // web02 has fs01's "office": it delivers the alert, once, and says so.
    await rig.start('web02');
    await waitFor(async () => (await rig.message(id)).state === 'sent', { timeoutMs: 90_000, what: 'web02 to deliver fs01’s alert' });
    assert.equal(copies(relay, messageId), 1);
    assert.equal((await rig.message(id)).delivered_by, 'web02');
    assert.equal((await rig.attemptHosts(id)).at(-1), 'web02');
    assert.equal(copies(otherRelay, messageId), 0);
    const listed = await db03.vigil(['outbox', 'list', '--host', 'fs01', '--json']);
    const shown = (JSON.parse(listed.stdout) as Array<{ id: string; host: string; deliveredBy: string }>).find((m) => m.id === id);
    assert.deepEqual({ host: shown?.host, deliveredBy: shown?.deliveredBy }, { host: 'fs01', deliveredBy: 'web02' });
    const show = await db03.vigil(['outbox', 'show', id]);
    assert.match(show.stdout, /^delivered by\s+web02$/m);
    assert.match(show.stdout, /^attempt \d+: .* accepted .* by web02$/m);
  } finally {
    await rig.close();
    await relay.stop();
    await otherRelay.stop();
  }
});
