import type { SqliteDatabase } from './database.js';
import type { ProfileState, ProfileStateStore } from '../ports/profile-state-store.js';
import { blankProfileState, profileStateOf, type ProfileStateRow } from '../rows/profile-state-row.js';

/** Per-profile state: verified by a test message, paused after refused credentials. */
export class SqliteProfileStateStore implements ProfileStateStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly host = '',
  ) {}

  async get(name: string): Promise<ProfileState> {
    const row = this.db.prepare('SELECT * FROM profile_state WHERE host = ? AND name = ?').get(this.host, name) as ProfileStateRow | undefined;
    return row ? profileStateOf(row) : blankProfileState(name);
  }

  async all(): Promise<ProfileState[]> {
    return (this.db.prepare('SELECT * FROM profile_state WHERE host = ? ORDER BY name').all(this.host) as ProfileStateRow[]).map(profileStateOf);
  }

  async markVerified(name: string, fingerprint: string, at: number): Promise<void> {
    this.db
      .prepare(`INSERT INTO profile_state (host, name, verified_at, verified_fingerprint) VALUES (?, ?, ?, ?)
        ON CONFLICT (host, name) DO UPDATE SET verified_at = excluded.verified_at, verified_fingerprint = excluded.verified_fingerprint`)
      .run(this.host, name, at, fingerprint);
  }

  async pause(name: string, until: number, reason: string): Promise<void> {
    this.db
      .prepare(`INSERT INTO profile_state (host, name, paused_until, pause_reason) VALUES (?, ?, ?, ?)
        ON CONFLICT (host, name) DO UPDATE SET paused_until = excluded.paused_until, pause_reason = excluded.pause_reason`)
      .run(this.host, name, until, reason);
  }

  async resume(name: string): Promise<void> {
    this.db.prepare('UPDATE profile_state SET paused_until = NULL, pause_reason = NULL WHERE host = ? AND name = ?').run(this.host, name);
  }
}
