import type { HostRecord, HostRegistration, HostStore } from '../ports/host-store.js';
import { hostRecordOf, type HostRow } from '../rows/host-row.js';
import type { SqliteDatabase } from './database.js';


/** The fleet's hosts (migration 31); with SQLite, normally the one host of this data directory. */
export class SqliteHostStore implements HostStore {
  constructor(private readonly db: SqliteDatabase) {}

  async register(host: HostRegistration, now: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO hosts (name, version, started_at, last_seen, stopped_at, sets, anomalies) VALUES (?, ?, ?, ?, NULL, ?, ?)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, started_at = excluded.started_at,
           last_seen = MAX(hosts.last_seen, excluded.last_seen), stopped_at = NULL, sets = excluded.sets, anomalies = excluded.anomalies`,
      )
      .run(host.name, host.version, host.startedAt, now, JSON.stringify(host.sets), host.anomalies ?? null);
  }

  async heartbeat(name: string, now: number): Promise<boolean> {
    return this.db.prepare('UPDATE hosts SET last_seen = MAX(last_seen, ?) WHERE name = ?').run(now, name).changes === 1;
  }

  async markStopped(name: string, now: number): Promise<void> {
    this.db.prepare('UPDATE hosts SET stopped_at = ?, last_seen = MAX(last_seen, ?) WHERE name = ?').run(now, now, name);
  }

  async forget(name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM hosts WHERE name = ?').run(name).changes === 1;
  }

  async list(): Promise<HostRecord[]> {
    return (this.db.prepare('SELECT * FROM hosts ORDER BY name').all() as HostRow[]).map(hostRecordOf);
  }

  async get(name: string): Promise<HostRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM hosts WHERE name = ?').get(name) as HostRow | undefined;
    return row ? hostRecordOf(row) : undefined;
  }

  async markSilentAlerted(name: string, since: number): Promise<boolean> {
    return this.db.prepare('UPDATE hosts SET silent_alerted_since = ? WHERE name = ? AND silent_alerted_since IS NULL').run(since, name).changes === 1;
  }

  async clearSilentAlerted(name: string): Promise<boolean> {
    return this.db.prepare('UPDATE hosts SET silent_alerted_since = NULL WHERE name = ? AND silent_alerted_since IS NOT NULL').run(name).changes === 1;
  }
}

