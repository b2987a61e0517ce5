import type { PgDatabase } from './database.js';
import type { ProfileState, ProfileStateStore } from '../ports/profile-state-store.js';

interface Row {
  name: string;
  verified_at: number | null;
  verified_fingerprint: string | null;
  paused_until: number | null;
  pause_reason: string | null;
}

/** Per-profile state: verified by a test message, paused after refused credentials. */
export class PgProfileStateStore implements ProfileStateStore {
  constructor(private readonly db: PgDatabase) {}

  async get(name: string): Promise<ProfileState> {
    const row = await this.db.one<Row>('SELECT * FROM profile_state WHERE name = $1', [name]);
    return row ? toState(row) : { name, verifiedAt: null, verifiedFingerprint: null, pausedUntil: null, pauseReason: null };
  }

  async all(): Promise<ProfileState[]> {
    return (await this.db.rows<Row>('SELECT * FROM profile_state ORDER BY name')).map(toState);
  }

  async markVerified(name: string, fingerprint: string, at: number): Promise<void> {
    await this.db.run(
      `INSERT INTO profile_state (name, verified_at, verified_fingerprint) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET verified_at = excluded.verified_at, verified_fingerprint = excluded.verified_fingerprint`,
      [name, at, fingerprint],
    );
  }

  async pause(name: string, until: number, reason: string): Promise<void> {
    await this.db.run(
      `INSERT INTO profile_state (name, paused_until, pause_reason) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET paused_until = excluded.paused_until, pause_reason = excluded.pause_reason`,
      [name, until, reason],
    );
  }

  async resume(name: string): Promise<void> {
    await this.db.run('UPDATE profile_state SET paused_until = NULL, pause_reason = NULL WHERE name = $1', [name]);
  }
}

function toState(row: Row): ProfileState {
  return {
    name: row.name,
    verifiedAt: row.verified_at,
    verifiedFingerprint: row.verified_fingerprint,
    pausedUntil: row.paused_until,
    pauseReason: row.pause_reason,
  };
}
