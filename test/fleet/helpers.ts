import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApp, type AppContext } from '../../src/app/context.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { buildFleet, type Fleet } from '../../src/app/fleet-wiring.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { SmtpPeer } from '../helpers/smtp-peer.js';
import { smtpConfig } from '../helpers/smtp-config.js';
import { Workspace } from '../helpers/workspace.js';

export const MIN = 60_000;
const STEP_MS = 5_000;

/** One service of the fleet, in this process: its app and its fleet parts, driven by hand. */
export interface FleetHost {
  name: string;
  app: AppContext;
  fleet: Fleet;
}

/**
 * Several hosts sharing one store — a data directory's SQLite file opened by one app per host
 * name (separate handles, as separate processes would) — with one fake clock and a real SMTP
 * server behind the shared Outbox.
 */
export class FleetRig {
  readonly clock = new FakeClock();
  readonly hosts = new Map<string, FleetHost>();
  private constructor(
    readonly peer: SmtpPeer,
    readonly ws: Workspace,
    private readonly extra: string,
  ) {}

  static async start(extra = 'fleet:\n  silentAfter: 10m\n'): Promise<FleetRig> {
    const peer = await SmtpPeer.start();
    const ws = new Workspace(smtpConfig({ servers: [{ port: peer.port }], extra }));
    return new FleetRig(peer, ws, extra);
  }

  /** Opens (or reopens, as a restarted service) the host `name` with these sets (YAML under sets:). */
  open(name: string, sets = ''): FleetHost {
    const file = path.join(this.ws.dir, `${name}.yaml`);
    const yaml = smtpConfig({ servers: [{ port: this.peer.port }], extra: `${this.extra}${sets ? `sets:\n${sets}` : ''}` }).replace('hostname: vigil-test.example.com', `hostname: ${name}`);
    writeFileSync(file, yaml.replace('dataDir: ./var', `dataDir: ${this.ws.dataDir}`));
    // Each host's handle on the shared file is scoped to it, as on PostgreSQL (migration 42).
    const app = openApp({ configFile: file, clock: this.clock, logLevel: 'error', store: openSqliteStore(this.ws.dataDir, { host: name }) });
    const host = { name, app, fleet: buildFleet(app) };
    this.hosts.set(name, host);
    return host;
  }

  /** A service's few seconds: it heartbeats, then looks for the lease (and leads if it holds it). */
  async tick(...names: string[]): Promise<void> {
    for (const name of names) {
      const host = this.hosts.get(name)!;
      await host.fleet.presence.beat();
      await host.fleet.leader.look();
    }
  }

  /**
   * Time passes as for running services: each named host ticks every `stepMs` of it, in turn
   * (a lone host may take longer steps: nobody competes for its lease).
   */
  async run(ms: number, names: string[], stepMs = STEP_MS): Promise<void> {
    for (let passed = 0; passed < ms; passed += stepMs) {
      this.clock.advance(Math.min(stepMs, ms - passed));
      await this.tick(...names);
    }
  }

  /** Delivers what is queued (through any host: the Outbox is shared). */
  async deliver(): Promise<void> {
    const any = [...this.hosts.values()][0]!;
    await any.app.dispatcher.runPass();
  }

  /** kill -9: the host's handle goes away without a clean stop or a release. */
  async kill(name: string): Promise<void> {
    const host = this.hosts.get(name)!;
    this.hosts.delete(name);
    await host.app.close();
  }

  received(): Array<{ kind: string | undefined; subject: string; host: string | undefined }> {
    return this.peer.received.map((m) => ({ kind: m.parsed.headers.get('x-vigil-kind') as string | undefined, subject: m.parsed.subject ?? '', host: m.parsed.headers.get('x-vigil-host') as string | undefined }));
  }

  async close(): Promise<void> {
    for (const host of this.hosts.values()) await host.app.close();
    await this.peer.stop();
    this.ws.cleanup();
  }
}
