/**
 * bench:fleet (2): a host killed → the `host-silent` alert accepted by the SMTP server. Two real
 * `vigil start` (h1 leads, h2) on one PostgreSQL database, a real SMTP server (test/helpers'
 * SmtpPeer, polled every 20 ms) behind their Outbox. h2 is killed with SIGKILL; the figure is the
 * time from the kill to the alert's acceptance, against the bound silentAfter + 30 s. h2 is then
 * started again (its recovery notice goes out) and killed again, `kills` times per leader.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import path from 'node:path';
import type { PostgresCluster } from '../../test/helpers/postgres.js';
import { SmtpPeer } from '../../test/helpers/smtp-peer.js';
import { waitFor } from '../../test/helpers/wait-for.js';
import { Child, REPO_ROOT, hostConfig, load1, sleep } from './rig.js';

export interface SilenceKill {
  silentAfterMs: number;
  /** Kill → alert accepted by the SMTP server. */
  killToAlertMs: number;
  /** h2's last heartbeat before the kill → alert: what silentAfter counts from. */
  lastSeenToAlertMs: number;
  boundMs: number;
  load: number;
}

export interface SilenceRuns {
  kills: SilenceKill[];
  /** host-silent alerts the SMTP server accepted in all, a little after the last: one per kill. */
  alerts: number;
}

const START_TIMEOUT_MS = 120_000;

function startService(configFile: string): Child {
  return new Child(spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'start', '--config', configFile], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
}

const kindsOf = (peer: SmtpPeer, kind: string) => peer.received.filter((m) => m.parsed.headers.get('x-vigil-kind') === kind).length;

export async function silenceRuns(cluster: PostgresCluster, template: string, silentAfter: string, silentAfterMs: number, kills: number): Promise<SilenceRuns> {
  const db = await cluster.newDatabase(template);
  const peer = await SmtpPeer.start();
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  const extra = `fleet:\n  silentAfter: ${silentAfter}\n`;
  const configs = ['h1', 'h2'].map((host) => hostConfig({ host, databaseUrl: db.url, smtpPort: peer.port, extra }));
  const services: Child[] = [];
  const lastSeen = async (host: string) => Number((await sql.query<{ last_seen: string }>('SELECT last_seen FROM hosts WHERE name = $1', [host])).rows[0]?.last_seen ?? NaN);
  try {
    const h1 = startService(configs[0]!.configFile);
    services.push(h1);
    await h1.line(/vigil started/, START_TIMEOUT_MS, 'h1 to start');
    await waitFor(async () => (await sql.query("SELECT 1 FROM leases WHERE name = 'leader' AND owner LIKE 'h1:%' AND expires_at > $1", [Date.now()])).rowCount === 1, { timeoutMs: START_TIMEOUT_MS, what: 'h1 to lead' });
    const results: SilenceKill[] = [];
    for (let k = 0; k < kills; k++) {
      const recoveredBefore = kindsOf(peer, 'host.recovered');
      const h2 = startService(configs[1]!.configFile);
      services.push(h2);
      await h2.line(/vigil started/, START_TIMEOUT_MS, 'h2 to start');
      // Back after an earlier kill: wait for its recovery notice, so the next alert is a new silence.
      if (k > 0) await waitFor(() => kindsOf(peer, 'host.recovered') > recoveredBefore, { timeoutMs: START_TIMEOUT_MS, what: 'the recovery notice of h2', everyMs: 20 });
      await waitFor(async () => !Number.isNaN(await lastSeen('h2')), { timeoutMs: START_TIMEOUT_MS, what: 'h2 to register' });
      const seenBefore = await lastSeen('h2');
      // Killed just after a heartbeat, as a host usually dies some time after its last one: the
      // worst case for detection is a kill right after a beat.
      await waitFor(async () => (await lastSeen('h2')) > seenBefore, { timeoutMs: START_TIMEOUT_MS, what: 'a heartbeat of h2', everyMs: 20 });
      const alertsBefore = kindsOf(peer, 'host.silent');
      const load = load1();
      await h2.kill('SIGKILL');
      const killedAt = Date.now();
      const seen = await lastSeen('h2');
      await waitFor(() => kindsOf(peer, 'host.silent') > alertsBefore, { timeoutMs: silentAfterMs + 180_000, what: 'the host-silent alert', everyMs: 20 });
      const alertAt = Date.now();
      results.push({ silentAfterMs, killToAlertMs: alertAt - killedAt, lastSeenToAlertMs: alertAt - seen, boundMs: silentAfterMs + 30_000, load });
      process.stderr.write(`    silentAfter ${silentAfter}, kill ${k + 1}: ${JSON.stringify(results.at(-1))}\n`);
    }
    // A second alert for the same silence would come at the leader's next look (a few seconds).
    await sleep(10_000);
    return { kills: results, alerts: kindsOf(peer, 'host.silent') };
  } finally {
    await Promise.all(services.map((s) => s.kill()));
    await sql.end();
    await peer.stop();
    for (const c of configs) c.cleanup();
    await db.drop();
  }
}
