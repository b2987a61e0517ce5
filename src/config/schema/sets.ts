import { z } from 'zod';
import { builtinSet } from '../../backup/engines/builtin/config.js';
import { commandSet } from '../../backup/engines/command/config.js';
import { resticSet } from '../../backup/engines/restic/config.js';

/**
 * Backup sets (DESIGN.md §4 `sets:`): one schema per engine, owned by the engine's folder
 * (src/backup/engines/<engine>/config.ts); the keys all sets share are in set-common.ts.
 */
export { builtinSet, commandSet, resticSet };

export const backupSet = z.discriminatedUnion('engine', [builtinSet, commandSet, resticSet], {
  error: 'engine must be one of builtin, restic, command',
});
export type BackupSetConfig = z.output<typeof backupSet>;

export const sets = z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'set names use letters, digits, "-", "_" and "."' }), backupSet).default({});
