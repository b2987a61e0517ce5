/**
 * Which slice of a vault's data the weekly check reads next (migration 15). A target is a vault
 * (`builtin:<path>`) or a restic repository (`restic:<repository>`).
 */
export interface VaultCheckRotationStore {
  /** The slice (1…slices) to read next; 1 for a new target or when the number of slices changed. */
  next(target: string, slices: number): Promise<number>;
  /** Records that `slice` of `slices` was read at `at`: the next check reads the one after it. */
  done(target: string, slices: number, slice: number, at: number): Promise<void>;
}
