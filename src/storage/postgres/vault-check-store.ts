import type { VaultCheckRotationStore } from '../ports/vault-check-rotation-store.js';
import type { PgDatabase } from './database.js';

/** The weekly vault check's rotation (migration 15). */
export class PgVaultCheckRotationStore implements VaultCheckRotationStore {
  /** `host`: whose state this handle keeps, on a store hosts share ('' on a store of one host). */
  constructor(
    private readonly db: PgDatabase,
    private readonly host = '',
  ) {}

  async next(target: string, slices: number): Promise<number> {
    const row = await this.db.one<{ slices: number; next_slice: number }>('SELECT slices, next_slice FROM vault_check_rotation WHERE host = $1 AND target = $2', [this.host, target]);
    // A changed number of slices is a new partition of the packs: start again from the first.
    if (!row || row.slices !== slices || row.next_slice < 1 || row.next_slice > slices) return 1;
    return row.next_slice;
  }

  async done(target: string, slices: number, slice: number, at: number): Promise<void> {
    await this.db.run(
      `INSERT INTO vault_check_rotation (host, target, slices, next_slice, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (host, target) DO UPDATE SET slices = excluded.slices, next_slice = excluded.next_slice, updated_at = excluded.updated_at`,
      [this.host, target, slices, (slice % slices) + 1, at],
    );
  }
}
