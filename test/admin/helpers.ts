import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdminProcess } from '../../src/admin/admin-process.js';
import { AdminScheduler } from '../../src/admin/admin-scheduler.js';
import { Housekeeper } from '../../src/admin/housekeeping.js';
import { configSchema, type VigilConfig } from '../../src/config/schema/index.js';
import type { VigilEvent } from '../../src/domain/events.js';
import { silentLogger } from '../../src/domain/logger.js';
import { Outbox } from '../../src/outbox/outbox.js';
import type { Store } from '../../src/storage/ports/store.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { FakeClock } from '../helpers/fake-clock.js';

/** A validated configuration with one SMTP profile whose `admins` group is ops@example.com. */
export function adminConfig(admin: Record<string, unknown>, extra: Record<string, unknown> = {}): VigilConfig {
  return configSchema.parse({
    hostname: 'fileserver',
    mail: { profile: 'office' },
    profiles: { office: { method: 'smtp', from: 'Vigil <vigil@example.com>', servers: [{ host: '127.0.0.1', port: 25, security: 'none' }], addressBook: { admins: ['ops@example.com'] } } },
    notification: { admins: ['admins'] },
    admin,
    ...extra,
  });
}

/**
 * The Admin processes over a real SQLite file, with a fake clock; `reopen()` closes the store and
 * opens the same file again, as a restarted service would.
 */
/** Replacements for the harness's real peers, built from them (so a wrapper can delegate). */
export interface AdminOverrides {
  outbox?: (real: Outbox) => Pick<Outbox, 'enqueueMany'>;
  housekeeper?: (real: Housekeeper) => Pick<Housekeeper, 'prune' | 'checkVaults'>;
}

export class AdminHarness {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'vigil-admin-'));
  readonly events: VigilEvent[] = [];
  store!: Store;
  process!: AdminProcess;
  scheduler!: AdminScheduler;

  constructor(
    readonly config: VigilConfig,
    readonly clock = new FakeClock(),
    private readonly overrides: AdminOverrides = {},
  ) {
    this.open();
  }

  private open(): void {
    this.store = openSqliteStore(this.dir);
    const outbox = new Outbox({ store: this.store.outbox, clock: this.clock, messageIdDomain: 'test.vigil.invalid' });
    const owner = { host: 'test-host', pid: process.pid };
    const housekeeper = new Housekeeper({ config: this.config, store: this.store, clock: this.clock, log: silentLogger, owner, isBusy: async () => false });
    this.process = new AdminProcess({
      config: this.config,
      store: this.store,
      outbox: this.overrides.outbox ? this.overrides.outbox(outbox) : outbox,
      events: { emit: (e) => this.events.push(e) },
      clock: this.clock,
      log: silentLogger,
      host: 'fileserver',
      owner,
      housekeeper: this.overrides.housekeeper ? this.overrides.housekeeper(housekeeper) : housekeeper,
    });
    this.scheduler = new AdminScheduler({ config: this.config, process: this.process, clock: this.clock, log: silentLogger });
  }

  async reopen(): Promise<void> {
    await this.store.close();
    this.open();
  }

  /** Summaries in the Outbox, oldest first. */
  async summaries() {
    return (await this.store.outbox.list({ limit: 1000 })).filter((m) => m.kind.startsWith('summary.')).reverse();
  }

  async close(): Promise<void> {
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
