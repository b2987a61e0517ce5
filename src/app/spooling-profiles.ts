import type { ProfileState, ProfileStateStore } from '../storage/ports/profile-state-store.js';
import type { SqliteDatabase } from '../storage/sqlite/database.js';
import type { Router } from './local-spool.js';

/**
 * Mail Profiles' state (verified, paused for refused credentials), spooled (spooling-store.ts), so
 * a profile paused before PostgreSQL went away stays paused while it is away: the dispatcher,
 * delivering from the spool, does not try a server that refused the credentials again, only to
 * pause it anew. The host's profiles as the database last had them are known here (read at start
 * and at every look since: the dispatcher looks at every pass), and a new spool starts from them
 * (`seed`), so what the spool says of a profile — a verification, a pause, a resume — is said over
 * the database's state, not over a blank one. The write-back copies them back unchanged.
 */
export class SpoolingProfileStore implements ProfileStateStore {
  private known: ProfileState[] = [];

  constructor(
    private readonly primary: ProfileStateStore,
    private readonly router: Router,
  ) {}

  /** The profiles the database holds (read at start). */
  remember(states: readonly ProfileState[]): void {
    this.known = [...states];
  }

  /** Writes the known state into a new spool (synchronously: before anything else uses it). */
  seed(spool: SqliteDatabase): void {
    const insert = spool.prepare(`INSERT INTO profile_state (host, name, verified_at, verified_fingerprint, paused_until, pause_reason)
      VALUES ('', ?, ?, ?, ?, ?) ON CONFLICT (host, name) DO NOTHING`);
    for (const p of this.known) insert.run(p.name, p.verifiedAt, p.verifiedFingerprint, p.pausedUntil, p.pauseReason);
  }

  get(name: string): Promise<ProfileState> {
    return this.router.route(
      async () => {
        const state = await this.primary.get(name);
        this.known = [...this.known.filter((p) => p.name !== name), state];
        return state;
      },
      (spool) => spool.store.profiles.get(name),
    );
  }

  all(): Promise<ProfileState[]> {
    return this.router.route(
      async () => (this.known = await this.primary.all()),
      (spool) => spool.store.profiles.all(),
    );
  }

  markVerified(name: string, fingerprint: string, at: number): Promise<void> {
    return this.router.route(
      () => this.changed(name, this.primary.markVerified(name, fingerprint, at)),
      (spool) => spool.store.profiles.markVerified(name, fingerprint, at),
    );
  }

  pause(name: string, until: number, reason: string): Promise<void> {
    return this.router.route(
      () => this.changed(name, this.primary.pause(name, until, reason)),
      (spool) => spool.store.profiles.pause(name, until, reason),
    );
  }

  resume(name: string): Promise<void> {
    return this.router.route(
      () => this.changed(name, this.primary.resume(name)),
      (spool) => spool.store.profiles.resume(name),
    );
  }

  /** After a change in the database: the profile as it now has it. */
  private async changed(name: string, change: Promise<void>): Promise<void> {
    await change;
    await this.get(name);
  }
}
