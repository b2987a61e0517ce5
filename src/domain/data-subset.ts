/**
 * A slice of the packs for a partial `--read-data`: slice `n` of `of` (1-based, as restic's
 * `--read-data-subset=n/t`). Pack ids are SHA-256 names, so their first 32 bits split the packs
 * evenly, and every pack belongs to exactly one slice: reading slices 1…of in turn reads every
 * pack once. A pack written later falls into a fixed slice, read at the latest `of` checks on.
 */
export interface DataSubset {
  n: number;
  of: number;
}

export function inSubset(packId: string, subset: DataSubset | undefined): boolean {
  if (!subset) return true;
  return Number.parseInt(packId.slice(0, 8), 16) % subset.of === subset.n - 1;
}

export function describeSubset(subset: DataSubset): string {
  return `${subset.n}/${subset.of}`;
}
