import { existsSync } from 'node:fs';
import { EXIT, type Command } from '../command.js';
import { initCommand } from './init.js';
import { mailTestCommand } from './mail-test.js';
import { startCommand } from './start.js';

/** `npm start`: set up on the embedded defaults if needed, prove delivery, run the service. */
export const quickstartCommand: Command = {
  name: 'quickstart',
  summary: 'first run: write vigil.yaml if missing, send a test message, start the service',
  usage: '',
  hidden: true,
  async run(ctx, args) {
    if (!existsSync(ctx.configFile)) {
      const code = await initCommand.run(ctx, { values: {}, positionals: [] });
      if (code !== EXIT.ok) return code;
    }
    ctx.stdout.write('\n== vigil mail test ==\n');
    const tested = await mailTestCommand.run(ctx, { values: {}, positionals: [] });
    if (tested !== EXIT.ok) ctx.stderr.write('the test message was not delivered; the service starts anyway and will retry real alerts\n');
    ctx.stdout.write('\n== vigil start == (Ctrl-C to stop)\n');
    return startCommand.run(ctx, args);
  },
};
