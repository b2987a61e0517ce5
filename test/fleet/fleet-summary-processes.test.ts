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

// Issue 15's drill for the fleet summary, with real processes: two `vigil start` on one
// PostgreSQL, the leader killed (kill -9) just before the daily summary is due; the other host
// takes the lease over and sends the one fleet summary; then that leader is killed in turn, and
// the first host, back and leading again, does not send it a second time.

const cluster = usePostgres(withCleanups());

type Service = VigilService;

const SETS: Record<string, string> = {
  fs01: '  documents:\n    engine: command\n    command: [/bin/true]\n    schedule: "0 3 * * *"\n',
  web02: '  www:\n    engine: command\n    command: [/bin/true]\n    schedule: "30 3 * * *"\n',
};

/** `HH:MM` (UTC) of the first minute boundary at least `ms` from now, and when that is. */
function minuteAfter(ms: number): { hhmm: string; at: number } {
  const at = Math.ceil((Date.now() + ms) / 60_000) * 60_000;
  return { hhmm: new Date(at).toISOString().slice(11, 16), at };
}

test('kill -9 the leader just before the daily summary is due: the other host takes over and the fleet summary is sent once', { timeout: 420_000 }, async () => {
  const peer = await SmtpPeer.start();
  const db: TestDatabase = await cluster.newDatabase();
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  // Far enough ahead for both services to start on a loaded machine.
  const due = minuteAfter(150_000);
  const workspaces = new Map<string, Workspace>();
  const services = new Map<string, Service>();
  const start = async (name: string): Promise<Service> => {
    let ws = workspaces.get(name);
    if (!ws) {
      const extra = `fleet:\n  silentAfter: 5s\ndatabase:\n  url: ${db.url}\nadmin:\n  daily: "${due.hhmm}"\n  timezone: UTC\nsets:\n${SETS[name]!}`;
      ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra }).replace('hostname: vigil-test.example.com', `hostname: ${name}`));
      workspaces.set(name, ws);
    }
    const service = startVigilService(ws.configFile);
    services.set(name, service);
    await waitFor(() => service.output().includes('vigil started'), { timeoutMs: 60_000, what: `${name} to start` });
    return service;
  };
  const kill = async (name: string) => {
    const s = services.get(name)!;
    s.child.kill('SIGKILL');
    await s.exited;
  };
  const leader = async () => {
    const { rows } = await sql.query<{ owner: string }>("SELECT owner FROM leases WHERE name = 'leader' AND expires_at > $1", [Date.now()]);
    return rows[0]?.owner;
  };
  const summaries = () => peer.received.filter((m) => m.parsed.headers.get('x-vigil-kind') === 'summary.daily');
  try {
    const fs01 = await start('fs01');
    await waitFor(async () => (await leader()) === `fs01:${fs01.child.pid}`, { timeoutMs: 60_000, what: 'fs01 to lead' });
    const web02 = await start('web02');
    await waitFor(async () => (await sql.query("SELECT 1 FROM hosts WHERE name = 'web02'")).rowCount === 1, { timeoutMs: 30_000, what: 'web02 to register' });
    assert.ok(Date.now() < due.at - 20_000, `the services took too long to start: the summary is due at ${due.hhmm}`);
    await waitFor(() => Date.now() >= due.at - 20_000, { timeoutMs: 200_000, what: 'the moment before the summary is due' });
    await kill('fs01');

    await waitFor(async () => (await leader()) === `web02:${web02.child.pid}`, { timeoutMs: 60_000, what: 'web02 to take the lease over' });
    await waitFor(() => summaries().length >= 1, { timeoutMs: 120_000, what: 'the fleet daily summary' });
    const [summary] = summaries();
    assert.match(summary!.parsed.subject ?? '', /^Vigil daily — fleet of 2 hosts: \d+ completed.*; 1 silent: fs01$/);
    const text = summary!.parsed.text ?? '';
    assert.match(text, /— Vigil on web02, the fleet's leader/, 'sent by the new leader');
    assert.ok(text.indexOf('HOST fs01: SILENT SINCE') >= 0 && text.indexOf('HOST fs01: SILENT SINCE') < text.indexOf('HOST web02: OK (leader)'), text);
    assert.match(text, /documents .* never ran/);

    // The first host comes back, and the one that sent the summary dies: the lead changes again.
    const again = await start('fs01');
    await kill('web02');
    await waitFor(async () => (await leader()) === `fs01:${again.child.pid}`, { timeoutMs: 60_000, what: 'fs01 to lead again' });
    // Leading, it has looked at the period (claimed already: sent) — and a few passes later still nothing new.
    await waitFor(async () => (await sql.query("SELECT 1 FROM admin_runs WHERE state = 'sent' AND attempts = 1 AND key LIKE 'daily:%'")).rowCount === 1, { timeoutMs: 10_000, what: 'the period recorded sent once' });
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    assert.equal(summaries().length, 1, 'the fleet summary exactly once');
    assert.equal(peer.received.filter((m) => String(m.parsed.headers.get('x-vigil-kind')).startsWith('summary.')).length, 1, 'no host sent a summary of its own');
  } finally {
    for (const s of services.values()) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all([...services.values()].map((s) => s.exited));
    await sql.end();
    await db.drop();
    await peer.stop();
    for (const ws of workspaces.values()) ws.cleanup();
  }
});
