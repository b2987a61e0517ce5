import type { PgDatabase } from './database.js';
import type { ProfileState, ProfileStateStore } from '../ports/profile-state-store.js';
import { blankProfileState, profileStateOf, type ProfileStateRow } from '../rows/profile-state-row.js';

/** Per-profile state: verified by a test message, paused after refused credentials. */
export class PgProfileStateStore implements ProfileStateStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: PgDatabase,
    private readonly host = '',
  ) {}

  async get(name: string): Promise<ProfileState> {
    const row = await this.db.one<ProfileStateRow>('SELECT * FROM profile_state WHERE host = $1 AND name = $2', [this.host, name]);
    return row ? profileStateOf(row) : blankProfileState(name);
  }

  async all(): Promise<ProfileState[]> {
    return (await this.db.rows<ProfileStateRow>('SELECT * FROM profile_state WHERE host = $1 ORDER BY name', [this.host])).map(profileStateOf);
  }

  async markVerified(name: string, fingerprint: string, at: number): Promise<void> {
    await this.db.run(
      `INSERT INTO profile_state (host, name, verified_at, verified_fingerprint) VALUES ($1, $2, $3, $4)
       ON CONFLICT (host, name) DO UPDATE SET verified_at = excluded.verified_at, verified_fingerprint = excluded.verified_fingerprint`,
      [this.host, name, at, fingerprint],
    );
  }

  async pause(name: string, until: number, reason: string): Promise<void> {
    await this.db.run(
      `INSERT INTO profile_state (host, name, paused_until, pause_reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (host, name) DO UPDATE SET paused_until = excluded.paused_until, pause_reason = excluded.pause_reason`,
      [this.host, name, until, reason],
    );
  }

  async resume(name: string): Promise<void> {
    await this.db.run('UPDATE profile_state SET paused_until = NULL, pause_reason = NULL WHERE host = $1 AND name = $2', [this.host, name]);
  }
}
