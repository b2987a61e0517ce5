import { z } from 'zod';
import { notifyRule } from './notification.js';
import { duration, secretRef } from './common.js';
import { setPing } from './ping.js';

/**
 * Backup sets (DESIGN.md §4 `sets:`). The engines' own settings are checked per engine;
 * the runner and scheduler live in src/backup/.
 */
const setCommon = {
  schedule: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  notify: notifyRule.optional(),
  /** Heartbeat pings to an outside checker at the run's start and end (docs/heartbeats.md). */
  ping: setPing.optional(),
  /**
   * A run still going after this long is stopped and recorded `incomplete`, whatever the engine:
   * the runner enforces it (src/backup/run-deadline.ts). Nothing waits forever.
   */
  timeout: duration('12h'),
};

/** How many snapshots retention keeps (restic's `forget` rules). */
const keepPolicy = z.strictObject({
  last: z.number().int().min(0).optional(),
  daily: z.number().int().min(0).optional(),
  weekly: z.number().int().min(0).optional(),
  monthly: z.number().int().min(0).optional(),
});

/**
 * Retention of the engines that have it: `keep:` is applied after each successful backup, or,
 * with `prune:` (a cron expression), on that schedule instead (src/backup/retention-run.ts).
 */
const retention = {
  keep: keepPolicy.optional(),
  prune: z.string().min(1).optional(),
};

export const builtinSet = z.strictObject({
  engine: z.literal('builtin'),
  ...setCommon,
  paths: z.array(z.string().min(1)).min(1, { error: 'a builtin set needs at least one path' }),
  exclude: z.array(z.string().min(1)).default([]),
  vault: z.string().min(1).optional(),
  /** When set, the vault is encrypted (AES-256-GCM, keys protected by scrypt). */
  passphrase: secretRef.optional(),
  /** Without `keep`, prune only reclaims unreferenced data. */
  ...retention,
});

/** Settings every engine that runs a program shares: where, and with what environment. */
const processSettings = {
  /** Working directory of the program (default: dataDir). */
  cwd: z.string().min(1).optional(),
  /** Added to (and overriding) the service's environment. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'environment variable names use letters, digits and "_"' }), z.string()).default({}),
};

export const commandSet = z
  .strictObject({
    engine: z.literal('command'),
    ...setCommon,
    /** argv: the program and its arguments. With `shell: true`, one string run by /bin/sh -c. */
    command: z.union([z.string().min(1), z.array(z.string()).min(1, { error: 'command is an argv list, e.g. [/usr/local/bin/dump-db.sh, --all]' })], {
      error: 'command is an argv list of strings, e.g. [/usr/local/bin/dump-db.sh, --all]; quote words YAML would read as numbers or booleans ("true", "24")',
    }),
    shell: z.boolean().default(false),
    ...processSettings,
    /** Exit statuses meaning "completed with warnings" (e.g. [24] for rsync's vanished files). */
    warningExitCodes: z.array(z.number().int().min(1).max(255)).default([]),
    /** Exit statuses meaning "completed with errors": something was backed up, not everything. */
    errorExitCodes: z.array(z.number().int().min(1).max(255)).default([]),
  })
  .superRefine((set, ctx) => {
    if (!set.shell && typeof set.command === 'string') {
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'give command as an argv list, e.g. [/usr/local/bin/dump-db.sh, --all], or set shell: true to run a shell string' });
    }
    if (set.shell && Array.isArray(set.command) && set.command.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'with shell: true, give the command as one string' });
    }
  });

export const resticSet = z.strictObject({
  engine: z.literal('restic'),
  ...setCommon,
  paths: z.array(z.string().min(1)).min(1, { error: 'a restic set needs at least one path' }),
  exclude: z.array(z.string().min(1)).default([]),
  /** A restic repository: a local path, sftp:…, s3:…, rest:… */
  repository: z.string().min(1),
  password: secretRef,
  /** The restic program (default: restic on PATH). */
  program: z.string().min(1).default('restic'),
  /** Extra arguments for `restic backup`, e.g. [--one-file-system]. */
  args: z.array(z.string()).default([]),
  ...processSettings,
  /** `restic forget --prune` with these rules. */
  ...retention,
});

export const backupSet = z.discriminatedUnion('engine', [builtinSet, commandSet, resticSet], {
  error: 'engine must be one of builtin, restic, command',
});
export type BackupSetConfig = z.output<typeof backupSet>;

export const sets = z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'set names use letters, digits, "-", "_" and "."' }), backupSet).default({});
