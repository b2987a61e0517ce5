import { connectApp, type AppContext } from '../../app/context.js';
import { copyVault } from '../../backup/engines/builtin/index.js';
import type { BuiltinVaultConfig } from '../../backup/engines/builtin/index.js';
import type { EngineSetContext } from '../../backup/engine.js';
import { VigilError } from '../../domain/errors.js';
import { describeStopSignal, onStopSignal } from '../../platform/on-stop-signal.js';
import { EXIT, type Command } from '../command.js';
import { printJson } from '../output.js';
import { progressDisplay } from './run.js';

/**
 * `vigil vault copy SRC DST`: copies snapshots between builtin vaults (local → offsite for the
 * 3-2-1 rule). SRC and DST each name a builtin set (its vault and passphrase) or an entry of
 * `vaults:` (its passphrase is that of the builtin sets that use it, if any).
 */
export const vaultCopyCommand: Command = {
  name: 'vault copy',
  summary: 'copy snapshots between builtin vaults (e.g. local → offsite), each pack read back and verified; resumable',
  usage: 'SRC DST [--set SET] [--snapshot ID] [--json]',
  positionals: true,
  options: { set: { type: 'string' }, snapshot: { type: 'string' } },
  exitCodes: { 0: 'copied (or already there)', 1: 'a vault could not be read or written, or the copy was stopped (run it again: it resumes)', 2: 'usage or configuration error' },
  async run(ctx, { values, positionals }) {
    const [src, dst, extra] = positionals;
    if (!src || !dst || extra) {
      throw new VigilError('ERR_USAGE', 'give a source and a destination: vigil vault copy SRC DST', { hint: 'Each is a builtin set (its vault) or the name of an entry of vaults: in vigil.yaml.' });
    }
    const app = await connectApp({ configFile: ctx.configFile, env: ctx.env, logLevel: 'warn' });
    try {
      const from = vaultNamed(app, src);
      const to = vaultNamed(app, dst);
      const controller = new AbortController();
      const stopListening = onStopSignal((signal) => controller.abort(`stopped by ${describeStopSignal(signal)}`));
      const display = ctx.json ? undefined : progressDisplay(ctx, `${src} → ${dst}`);
      const result = await copyVault(from, to, {
        signal: controller.signal,
        onProgress: (p) => display?.progress(p),
        ...(values.set ? { set: values.set as string } : {}),
        ...(values.snapshot ? { snapshot: values.snapshot as string } : {}),
      }).finally(() => {
        display?.done();
        stopListening();
      });
      if (ctx.json) printJson(ctx.stdout, result);
      else for (const entry of result.log) ctx.stdout.write(`${entry.severity === 'info' ? '' : `${entry.severity}: `}${entry.message}\n`);
      return result.status === 'completed' ? EXIT.ok : EXIT.failure;
    } finally {
      await app.close();
    }
  },
};

/** A builtin set's vault, or an entry of `vaults:`, as the context the builtin library takes. */
function vaultNamed(app: AppContext, name: string): EngineSetContext<BuiltinVaultConfig> {
  const { config } = app.loaded;
  const set = config.sets[name];
  if (set) {
    if (set.engine !== 'builtin') throw new VigilError('ERR_USAGE', `set ${name} uses the ${set.engine} engine; vault copy copies between builtin vaults`, { hint: 'For restic repositories use `restic copy`.' });
    return { name, dataDir: config.dataDir, config: set as unknown as BuiltinVaultConfig };
  }
  const entry = config.vaults[name];
  if (!entry) {
    const known = [...Object.entries(config.sets).filter(([, s]) => s.engine === 'builtin').map(([n]) => n), ...Object.keys(config.vaults)];
    throw new VigilError('ERR_USAGE', `"${name}" is neither a builtin set nor a vault under vaults:`, { hint: `Known: ${known.join(', ') || 'none'}.` });
  }
  // The passphrase of a named vault is that of the builtin sets that store in it.
  const user = Object.values(config.sets).find((s) => s.engine === 'builtin' && (s as { vault?: string }).vault === name && (s as { passphrase?: unknown }).passphrase !== undefined) as BuiltinVaultConfig | undefined;
  return { name, dataDir: config.dataDir, config: { paths: [], vault: name, vaultTarget: entry, ...(user?.passphrase ? { passphrase: user.passphrase } : {}) } };
}
