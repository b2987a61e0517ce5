/**
 * npm run bench:fleet — issue 15's figures for a fleet on PostgreSQL, against a throwaway cluster
 * the bench starts (test/helpers/postgres.ts: Debian's postgresql, initdb in a temp directory):
 *   (1) outbox   — 3 dispatching hosts, one SMTP sink: msg/s (≥ 1,500) and 0 duplicates; beside
 *                  each round the named peer (3 processes sending directly with nodemailer) and
 *                  the ratio Outbox / peer;
 *   (2) silent   — two real `vigil start`, kill -9 one: kill → host-silent alert at the SMTP
 *                  server, within silentAfter + 30 s (silentAfter 10s and 1m);
 *   (3) sqlite   — bench:outbox on this tree vs the commit before PostgreSQL (ratio within 5 %);
 *   (4) summary  — 20 hosts × 100 sets, 1,000,000 runs: the daily summary built ≤ 2 s, ≤ 300 MB.
 *
 *   BENCH_FLEET_PARTS=outbox,silent,sqlite,summary (default: all)   BENCH_FLEET_ROUNDS=3
 *   BENCH_FLEET_MESSAGES=5000 (per host)   BENCH_FLEET_RUNS=1000000   BENCH_FLEET_SILENT=10s,1m
 *   BENCH_FLEET_PEER=0: no named peer   BENCH_FLEET_PEER_RENDER=go: the peer renders inside the timed window
 *   BENCH_FLEET_PEER_CLIENT=vigil-smtp: the peer sends with Vigil's SMTP client instead of nodemailer's pool
 *   BENCH_FLEET_STATEMENTS=1: pg_stat_statements in the throwaway cluster, the Outbox's statements by time
 *   BENCH_FLEET_DURABLE=0: the test suite's cluster settings (fsync, synchronous_commit and
 *     full_page_writes off) instead of PostgreSQL's defaults, which a fleet's database runs with
 *
 * The machine is shared: every figure carries the 1-minute load average, and each part runs a
 * few rounds. Last line: one JSON object.
 */
import { startPostgres } from '../test/helpers/postgres.js';
import { openPgStore } from '../src/storage/postgres/store.js';
import { load1, median } from './fleet/rig.js';
import { outboxRound, type OutboxRound } from './fleet/outbox-part.js';
import { peerRound, type PeerClient, type PeerRound } from './fleet/peer-part.js';
import { loadStatements, STATEMENTS } from './fleet/wal.js';
import { silenceRuns } from './fleet/silence-part.js';
import { compareSqlite } from './fleet/sqlite-part.js';
import { summaryRounds } from './fleet/summary-part.js';
import { parseDuration } from '../src/config/duration.js';

const parts = new Set((process.env.BENCH_FLEET_PARTS ?? 'outbox,silent,sqlite,summary').split(','));
const ROUNDS = Number(process.env.BENCH_FLEET_ROUNDS ?? 3);
const PER_HOST = Number(process.env.BENCH_FLEET_MESSAGES ?? 5_000);
const RUNS = Number(process.env.BENCH_FLEET_RUNS ?? 1_000_000);
const PEER = process.env.BENCH_FLEET_PEER !== '0';
const PEER_RENDER_AFTER_GO = process.env.BENCH_FLEET_PEER_RENDER === 'go';
const PEER_CLIENT = (process.env.BENCH_FLEET_PEER_CLIENT ?? 'nodemailer') as PeerClient;
if (!['nodemailer', 'vigil-smtp'].includes(PEER_CLIENT)) throw new Error(`BENCH_FLEET_PEER_CLIENT: ${PEER_CLIENT} is not a client the peer has (nodemailer, vigil-smtp)`);

/** A fleet round's figures beside its peer round's: the Outbox's msg/s and CPU per message as a share of the peer's. */
function peerBeside(fleet: OutboxRound, peer: PeerRound | undefined): Record<string, unknown> {
  if (!peer) return {};
  return {
    peerMsgPerSec: peer.msgPerSec,
    ratioToPeer: Number((fleet.msgPerSec / peer.msgPerSec).toFixed(2)),
    peerCpuMsPerMessage: peer.cpuMsPerMessage,
    cpuRatioToPeer: Number((fleet.cpuMsPerMessage.total / peer.cpuMsPerMessage.total).toFixed(2)),
    peerLoad: peer.load,
    peerDuplicates: peer.duplicates,
    peerNotDelivered: peer.notDelivered,
    peerClient: peer.client,
    peerSinkBusy: peer.sinkBusy,
    peerBytesPerMessage: peer.bytesPerMessage,
  };
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const figures: Record<string, unknown> = { bench: 'fleet', cores: (await import('node:os')).cpus().length, loadAtStart: load1() };

if (parts.has('sqlite')) {
  // Smaller than bench:outbox's defaults, so that rounds fit in minutes: the figure is a ratio.
  const sizes = { BENCH_MESSAGES: process.env.BENCH_MESSAGES ?? '5000', BENCH_LATENCY_MESSAGES: process.env.BENCH_LATENCY_MESSAGES ?? '300', BENCH_RSS_MESSAGES: process.env.BENCH_RSS_MESSAGES ?? '2000' };
  say(`(3) SQLite single host: bench:outbox (${sizes.BENCH_MESSAGES} / ${sizes.BENCH_LATENCY_MESSAGES} / ${sizes.BENCH_RSS_MESSAGES}) here vs before PostgreSQL, ${ROUNDS} rounds each, alternating`);
  figures.sqlite = compareSqlite(ROUNDS, sizes);
}

// PostgreSQL's defaults unless told: a commit's flush is part of what a fleet's Outbox costs.
const DURABLE = process.env.BENCH_FLEET_DURABLE !== '0';
figures.durable = DURABLE;
const cluster = await startPostgres({ durable: DURABLE });
try {
  // Every part's database is a copy of one migrated template: no part pays for the migrations.
  const template = await cluster.newDatabase();
  await (await openPgStore({ url: template.url })).close();
  if (STATEMENTS) await loadStatements(cluster);

  if (parts.has('outbox')) {
    say(`(1) shared Outbox: 3 hosts × ${PER_HOST} messages, and 1 host × ${PER_HOST} (control), ${ROUNDS} rounds${PEER ? `; the named peer (3 processes, ${PEER_CLIENT} directly${PEER_RENDER_AFTER_GO ? ', rendering after go' : ''}) beside each` : ''}`);
    const fleet: OutboxRound[] = [];
    const lone: OutboxRound[] = [];
    const peer: PeerRound[] = [];
    const runFleet = async (round: number) => {
      fleet.push(await outboxRound(cluster, template.name, 3, PER_HOST));
      say(`    round ${round}: 3 hosts ${JSON.stringify(fleet.at(-1))}`);
    };
    const runPeer = async (round: number) => {
      if (!PEER) return;
      peer.push(await peerRound(3, PER_HOST, { renderAfterGo: PEER_RENDER_AFTER_GO, client: PEER_CLIENT }));
      say(`    round ${round}: peer    ${JSON.stringify(peer.at(-1))}`);
    };
    for (let round = 1; round <= ROUNDS; round++) {
      // The peer runs next to the three hosts, before them one round and after them the next, so a
      // load that comes and goes falls on both.
      if (round % 2) await runFleet(round);
      await runPeer(round);
      if (!(round % 2)) await runFleet(round);
      lone.push(await outboxRound(cluster, template.name, 1, PER_HOST));
      say(`    round ${round}: 1 host  ${JSON.stringify(lone.at(-1))}`);
    }
    figures.outbox = {
      perHost: PER_HOST,
      rounds: fleet.map((r, i) => ({ load: r.load, fleetMsgPerSec: r.msgPerSec, loneMsgPerSec: lone[i]!.msgPerSec, ...peerBeside(r, peer[i]), duplicates: r.duplicates, notDelivered: r.notDelivered, cpuMsPerMessage: r.cpuMsPerMessage, postgresMsPerMessage: r.postgresMsPerMessage, walPerMessage: r.walPerMessage, perMessage: r.perMessage, loneCpuMsPerMessage: lone[i]!.cpuMsPerMessage, hosts: r.perHost })),
      medianFleetMsgPerSec: median(fleet.map((r) => r.msgPerSec)),
      medianLoneMsgPerSec: median(lone.map((r) => r.msgPerSec)),
      ...(PEER ? { medianPeerMsgPerSec: median(peer.map((r) => r.msgPerSec)), medianRatioToPeer: Number(median(fleet.map((r, i) => r.msgPerSec / peer[i]!.msgPerSec)).toFixed(2)) } : {}),
      duplicates: fleet.reduce((n, r) => n + r.duplicates, 0),
      notDelivered: fleet.reduce((n, r) => n + r.notDelivered, 0),
      target: { msgPerSec: 1500, duplicates: 0 },
    };
  }
  if (parts.has('silent')) {
    const settings = (process.env.BENCH_FLEET_SILENT ?? '10s,1m').split(',');
    say(`(2) kill -9 a host → host-silent alert at the SMTP server; silentAfter ${settings.join(' and ')}, ${ROUNDS} kills each`);
    const silent: Record<string, unknown> = {};
    for (const setting of settings) {
      const ms = parseDuration(setting);
      if (ms === undefined) throw new Error(`BENCH_FLEET_SILENT: ${setting} is not a duration (e.g. 10s, 1m)`);
      const runs = await silenceRuns(cluster, template.name, setting, ms, ROUNDS);
      silent[setting] = {
        killToAlertMs: runs.kills.map((k) => k.killToAlertMs),
        lastSeenToAlertMs: runs.kills.map((k) => k.lastSeenToAlertMs),
        worstKillToAlertMs: Math.max(...runs.kills.map((k) => k.killToAlertMs)),
        boundMs: ms + 30_000,
        ratioToBound: Number((Math.max(...runs.kills.map((k) => k.killToAlertMs)) / (ms + 30_000)).toFixed(2)),
        kills: runs.kills.length,
        alerts: runs.alerts,
        load: runs.kills.map((k) => k.load),
      };
    }
    figures.silent = silent;
  }
  if (parts.has('summary')) {
    say(`(4) fleet daily summary: 20 hosts × 100 sets, ${RUNS} runs, ${ROUNDS} measurements`);
    const { generatedSeconds, measurements } = await summaryRounds(cluster, template.name, RUNS, ROUNDS);
    figures.summary = {
      runs: RUNS,
      hosts: 20,
      setsPerHost: 100,
      builder: measurements[0]!.builder,
      generatedSeconds,
      rounds: measurements,
      medianMs: median(measurements.map((m) => m.medianMs)),
      worstMaxRssMB: Math.max(...measurements.map((m) => m.maxRssMB)),
      target: { ms: 2000, rssMB: 300 },
    };
  }
  await template.drop();
} finally {
  await cluster.stop();
}
figures.loadAtEnd = load1();
process.stdout.write(`${JSON.stringify(figures)}\n`);
