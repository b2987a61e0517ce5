import type { LeaderLease, LeaseHolder } from '../ports/leader-lease.js';
import type { PgDatabase } from './database.js';

interface LeaseRow {
  owner: string;
  token: number;
  expires_at: number;
}

/**
 * The fenced lease (migration 31) as one row per name, taken by a single upsert: PostgreSQL's
 * row lock on the conflicting row serialises takers on every host, so at most one holds it, and
 * the token grows with each new tenure (a renewal by the holder keeps it).
 */
export class PgLeaderLease implements LeaderLease {
  constructor(private readonly db: PgDatabase) {}

  async acquire(name: string, owner: string, now: number, ttlMs: number): Promise<number | undefined> {
    const row = await this.db.one<{ token: number }>(
      `INSERT INTO leases (name, owner, token, expires_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (name) DO UPDATE SET
         token = CASE WHEN leases.expires_at > $4 THEN leases.token ELSE leases.token + 1 END,
         owner = excluded.owner, expires_at = excluded.expires_at
       WHERE leases.expires_at <= $4 OR leases.owner = excluded.owner
       RETURNING token`,
      [name, owner, now + ttlMs, now],
    );
    return row?.token;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.db.run('UPDATE leases SET expires_at = 0 WHERE name = $1 AND owner = $2', [name, owner]);
  }

  async holder(name: string, now: number): Promise<LeaseHolder | undefined> {
    const row = await this.db.one<LeaseRow>('SELECT owner, token, expires_at FROM leases WHERE name = $1 AND expires_at > $2', [name, now]);
    return row ? { owner: row.owner, token: row.token, expiresAt: row.expires_at } : undefined;
  }
}
