import { z } from 'zod';
import { notifyRule } from './notification.js';

/**
 * Backup sets (DESIGN.md §4 `sets:`). The engines' own settings are checked per engine;
 * the runner and scheduler live in src/backup/.
 */
const setCommon = {
  schedule: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  notify: notifyRule.optional(),
};

export const builtinSet = z.strictObject({
  engine: z.literal('builtin'),
  ...setCommon,
  paths: z.array(z.string().min(1)).min(1, { error: 'a builtin set needs at least one path' }),
  exclude: z.array(z.string().min(1)).default([]),
  vault: z.string().min(1).optional(),
});

export const commandSet = z.strictObject({
  engine: z.literal('command'),
  ...setCommon,
  command: z.array(z.string()).min(1, { error: 'command is an argv list, e.g. [/usr/local/bin/dump-db.sh, --all]' }),
});

export const resticSet = z.strictObject({
  engine: z.literal('restic'),
  ...setCommon,
  paths: z.array(z.string().min(1)).min(1, { error: 'a restic set needs at least one path' }),
  repository: z.string().min(1),
});

export const backupSet = z.discriminatedUnion('engine', [builtinSet, commandSet, resticSet], {
  error: 'engine must be one of builtin, restic, command',
});
export type BackupSetConfig = z.output<typeof backupSet>;

export const sets = z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'set names use letters, digits, "-", "_" and "."' }), backupSet).default({});
