import { z } from 'zod';
import { secretRef } from '../../../config/schema/common.js';
import { processSettings, retention, setCommon } from '../../../config/schema/set-common.js';

/** `engine: restic` — the keys of a set backed up by restic into a restic repository. */
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

export type ResticSetConfig = z.output<typeof resticSet>;
