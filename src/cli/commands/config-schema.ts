import { configJsonSchemaText } from '../../config/json-schema.js';
import { EXIT, type Command } from '../command.js';

export const configSchemaCommand: Command = {
  name: 'config schema',
  summary: 'print the JSON Schema of vigil.yaml, for editors that complete and check keys',
  usage: '',
  exitCodes: { 0: 'printed' },
  async run(ctx) {
    ctx.stdout.write(configJsonSchemaText());
    return EXIT.ok;
  },
};
