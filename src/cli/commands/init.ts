import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLE_CONFIG } from '../../config/example.js';
import { schemaModeline } from '../../config/json-schema.js';
import { VigilError } from '../../domain/errors.js';
import { EXIT, type Command } from '../command.js';
import { makeDirsSync } from '../../platform/make-dirs.js';

export const initCommand: Command = {
  name: 'init',
  summary: 'write a commented vigil.yaml and the data directory',
  usage: '[--force] [--if-missing]',
  options: { force: { type: 'boolean' }, 'if-missing': { type: 'boolean' } },
  async run(ctx, { values }) {
    const exists = existsSync(ctx.configFile);
    if (exists && values['if-missing']) return EXIT.ok;
    if (exists && !values.force) {
      throw new VigilError('ERR_USAGE', `${ctx.configFile} already exists`, { hint: 'Use --force to overwrite it, or edit it and run `vigil config check`.' });
    }
    makeDirsSync(path.dirname(ctx.configFile));
    writeFileSync(ctx.configFile, schemaModeline() + EXAMPLE_CONFIG, { mode: 0o640 });
    const dataDir = path.resolve(path.dirname(ctx.configFile), 'var');
    makeDirsSync(dataDir, 0o750);
    ctx.stdout.write(`wrote ${ctx.configFile}\ncreated ${dataDir}\nnext: vigil config check, then vigil mail test\n`);
    return EXIT.ok;
  },
};
