import { VigilError } from '../domain/errors.js';

/**
 * Finds a snapshot by id or unique id prefix (at least 4 hex digits), or the latest of the set
 * (`snapshots` oldest first). Every engine's restore picks this way, so the errors read the same.
 */
export function pickSnapshot<T extends { id: string }>(snapshots: readonly T[], set: string, idPrefix?: string): T {
  if (idPrefix === undefined) {
    const latest = snapshots.at(-1);
    if (!latest) throw new VigilError('ERR_VAULT_NOT_FOUND', `set ${set} has no snapshot yet`, { hint: `Run \`vigil run ${set}\` first.` });
    return latest;
  }
  const matches = snapshots.filter((snapshot) => snapshot.id.startsWith(idPrefix.toLowerCase()));
  if (idPrefix.length < 4 || matches.length !== 1) {
    throw new VigilError('ERR_VAULT_NOT_FOUND', `${matches.length > 1 ? 'ambiguous' : 'no'} snapshot ${JSON.stringify(idPrefix)} in set ${set}`, {
      hint: `List them with \`vigil snapshots ${set}\`; give at least 4 hex digits of an id.`,
    });
  }
  return matches[0]!;
}
