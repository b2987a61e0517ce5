import { connectApp } from '../../app/context.js';
import { engineFor } from '../../backup/engine-operations.js';
import { VigilError } from '../../domain/errors.js';
import { EXIT, type Command } from '../command.js';
import { printJson } from '../output.js';

/**
 * `vigil vault init SET`: create a set's vault on purpose (the engines that have `init`: builtin). A set's first run creates its
 * vault; after that a run never does (a missing vault is an unmounted disk, reported as the
 * `vault-unreachable` fault), so replacing a vault lost for good is this explicit step.
 */
export const vaultInitCommand: Command = {
  name: 'vault init',
  summary: 'create the vault of a builtin set (a run creates one only on the set’s first run)',
  usage: 'SET [--json]',
  positionals: true,
  exitCodes: { 0: 'created', 1: 'a vault is already there, or it could not be created', 2: 'usage or configuration error' },
  async run(ctx, { positionals }) {
    const [name, extra] = positionals;
    if (!name || extra) throw new VigilError('ERR_USAGE', 'give exactly one backup set: vigil vault init SET', { hint: 'Sets are the keys under sets: in vigil.yaml.' });
    const app = await connectApp({ configFile: ctx.configFile, env: ctx.env, logLevel: 'warn' });
    try {
      const set = app.loaded.config.sets[name];
      if (!set) throw new VigilError('ERR_SET_UNKNOWN', `no backup set named "${name}"`, { hint: `Defined sets: ${Object.keys(app.loaded.config.sets).join(', ') || 'none'}.` });
      const engine = engineFor(app.engines, name, set, 'init', 'vault init');
      const created = await engine.init({ name, config: set, dataDir: app.loaded.config.dataDir });
      if (ctx.json) printJson(ctx.stdout, created);
      else ctx.stdout.write(`created vault ${created.root} (${created.encrypted ? 'encrypted' : 'not encrypted'}) for set ${name}\n`);
      return EXIT.ok;
    } finally {
      await app.close();
    }
  },
};
