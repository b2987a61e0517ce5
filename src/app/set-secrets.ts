import { statSync } from 'node:fs';
import type { Redactor } from '../config/redact.js';
import type { VigilConfig } from '../config/schema/index.js';
import { readSecret } from '../config/secrets.js';

/**
 * Registers the backup sets' own secrets (a restic repository password, a builtin vault's
 * passphrase) with the redactor, so that an engine's output that quotes one — a program echoing
 * its environment or arguments in an error — is stripped like a mail password before it reaches
 * the log or the system log. A secret that cannot be read is skipped here: the run that needs it
 * reports that, with the key, itself.
 */
export function registerSetSecrets(config: VigilConfig, redactor: Redactor, env: NodeJS.ProcessEnv): void {
  for (const [name, set] of Object.entries(config.sets)) {
    const ref = set.engine === 'restic' ? set.password : set.engine === 'builtin' ? set.passphrase : undefined;
    if (!ref) continue;
    try {
      // Every command opens the app: a FIFO or device named as the secret file must not hang it.
      if ('file' in ref && !statSync(ref.file).isFile()) continue;
      redactor.add(readSecret(ref, `sets.${name}`, env));
    } catch {
      // unreadable now: nothing to redact, and not this function's to report
    }
  }
}
