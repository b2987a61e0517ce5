import type { HostRecord, HostRegistration, HostStore } from '../ports/host-store.js';
import { hostRecordOf, type HostRow } from '../rows/host-row.js';
import type { PgDatabase } from './database.js';


/** The fleet's hosts (migration 31), one row per host name, shared by every host of the fleet. */
export class PgHostStore implements HostStore {
  constructor(private readonly db: PgDatabase) {}

  async register(host: HostRegistration, now: number): Promise<void> {
    await this.db.run(
      `INSERT INTO hosts (name, version, started_at, last_seen, stopped_at, sets, anomalies) VALUES ($1, $2, $3, $4, NULL, $5, $6)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, started_at = excluded.started_at,
         last_seen = GREATEST(hosts.last_seen, excluded.last_seen), stopped_at = NULL, sets = excluded.sets, anomalies = excluded.anomalies`,
      [host.name, host.version, host.startedAt, now, JSON.stringify(host.sets), host.anomalies ?? null],
    );
  }

  async heartbeat(name: string, now: number): Promise<boolean> {
    return (await this.db.run('UPDATE hosts SET last_seen = GREATEST(last_seen, $1) WHERE name = $2', [now, name])) === 1;
  }

  async markStopped(name: string, now: number): Promise<void> {
    await this.db.run('UPDATE hosts SET stopped_at = $1, last_seen = GREATEST(last_seen, $1) WHERE name = $2', [now, name]);
  }

  async forget(name: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM hosts WHERE name = $1', [name])) === 1;
  }

  async list(): Promise<HostRecord[]> {
    return (await this.db.rows<HostRow>('SELECT * FROM hosts ORDER BY name')).map(hostRecordOf);
  }

  async get(name: string): Promise<HostRecord | undefined> {
    const row = await this.db.one<HostRow>('SELECT * FROM hosts WHERE name = $1', [name]);
    return row ? hostRecordOf(row) : undefined;
  }

  async markSilentAlerted(name: string, since: number): Promise<boolean> {
    return (await this.db.run('UPDATE hosts SET silent_alerted_since = $1 WHERE name = $2 AND silent_alerted_since IS NULL', [since, name])) === 1;
  }

  async clearSilentAlerted(name: string): Promise<boolean> {
    return (await this.db.run('UPDATE hosts SET silent_alerted_since = NULL WHERE name = $1 AND silent_alerted_since IS NOT NULL', [name])) === 1;
  }
}

