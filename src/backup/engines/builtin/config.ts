import { z } from 'zod';
import { secretRef } from '../../../config/schema/common.js';
import { retention, setCommon } from '../../../config/schema/set-common.js';

/** `engine: builtin` — the keys of a builtin set (docs/builtin-engine.md). */
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

export type BuiltinSetConfig = z.output<typeof builtinSet>;
