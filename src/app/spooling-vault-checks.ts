import type { Queryable } from '../storage/postgres/database.js';
import type { VaultCheckRotationStore } from '../storage/ports/vault-check-rotation-store.js';
import type { SqliteDatabase } from '../storage/sqlite/database.js';
import type { Router } from './local-spool.js';

interface Rotation {
  target: string;
  slices: number;
  next_slice: number;
  updated_at: number;
}

/**
 * The weekly vault check's rotation, spooled (spooling-store.ts), so a check during a PostgreSQL
 * outage reads the slice after the last one read rather than the first again (a slice read twice,
 * another left unread for weeks). The host's rotations as the database last had them are known
 * here (read at start, and at every check since), and a new spool starts from them (`seed`); the
 * write-back copies a rotation back only when the spool's is the newer.
 */
export class SpoolingVaultCheckStore implements VaultCheckRotationStore {
  private readonly known = new Map<string, Rotation>();

  constructor(
    private readonly primary: VaultCheckRotationStore,
    private readonly router: Router,
  ) {}

  /** The host's rotations as the database has them (the store just opened). */
  async learn(db: Queryable, host: string): Promise<void> {
    const rows = await db.rows<Rotation>('SELECT target, slices, next_slice, updated_at FROM vault_check_rotation WHERE host = $1', [host]);
    this.known.clear();
    for (const row of rows) this.known.set(row.target, row);
  }

  /** Writes the known rotations into a new spool (synchronously: before anything else uses it). */
  seed(spool: SqliteDatabase): void {
    const insert = spool.prepare(`INSERT INTO vault_check_rotation (host, target, slices, next_slice, updated_at)
      VALUES ('', ?, ?, ?, ?) ON CONFLICT (host, target) DO NOTHING`);
    for (const r of this.known.values()) insert.run(r.target, r.slices, r.next_slice, r.updated_at);
  }

  next(target: string, slices: number): Promise<number> {
    return this.router.route(
      () => this.primary.next(target, slices),
      (spool) => spool.store.vaultChecks.next(target, slices),
    );
  }

  done(target: string, slices: number, slice: number, at: number): Promise<void> {
    return this.router.route(
      async () => {
        await this.primary.done(target, slices, slice, at);
        this.known.set(target, { target, slices, next_slice: await this.primary.next(target, slices), updated_at: at });
      },
      (spool) => spool.store.vaultChecks.done(target, slices, slice, at),
    );
  }
}
