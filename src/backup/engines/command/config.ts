import { z } from 'zod';
import { processSettings, setCommon } from '../../../config/schema/set-common.js';

/** `engine: command` — the keys of a set that runs any program as its backup. */
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

export type CommandSetConfig = z.output<typeof commandSet>;
