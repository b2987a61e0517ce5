import type { LeaderLease, LeaseHolder } from '../ports/leader-lease.js';
import type { SqliteDatabase } from './database.js';

interface LeaseRow {
  owner: string;
  token: number;
  expires_at: number;
}

/**
 * The fenced lease as one row per name (migration 31). With SQLite the fleet is normally one
 * host, but two processes on one file still get one holder: the read and the write are one
 * IMMEDIATE transaction (SQLite's write lock), so two takers are serialised.
 */
export class SqliteLeaderLease implements LeaderLease {
  constructor(private readonly db: SqliteDatabase) {}

  async acquire(name: string, owner: string, now: number, ttlMs: number): Promise<number | undefined> {
    return this.db
      .transaction((): number | undefined => {
        const row = this.db.prepare('SELECT owner, token, expires_at FROM leases WHERE name = ?').get(name) as LeaseRow | undefined;
        const expiresAt = now + ttlMs;
        if (!row) {
          this.db.prepare('INSERT INTO leases (name, owner, token, expires_at) VALUES (?, ?, 1, ?)').run(name, owner, expiresAt);
          return 1;
        }
        const held = row.expires_at > now;
        if (held && row.owner !== owner) return undefined;
        // A renewal keeps the token; a new tenure (free, expired or released) takes the next one.
        const token = held ? row.token : row.token + 1;
        this.db.prepare('UPDATE leases SET owner = ?, token = ?, expires_at = ? WHERE name = ?').run(owner, token, expiresAt, name);
        return token;
      })
      .immediate();
  }

  async release(name: string, owner: string): Promise<void> {
    this.db.prepare('UPDATE leases SET expires_at = 0 WHERE name = ? AND owner = ?').run(name, owner);
  }

  async holder(name: string, now: number): Promise<LeaseHolder | undefined> {
    const row = this.db.prepare('SELECT owner, token, expires_at FROM leases WHERE name = ? AND expires_at > ?').get(name, now) as LeaseRow | undefined;
    return row ? { owner: row.owner, token: row.token, expiresAt: row.expires_at } : undefined;
  }
}
