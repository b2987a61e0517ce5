import { openApp } from '../../app/context.js';
import { runService } from '../../app/service.js';
import { EXIT, type Command } from '../command.js';

export const startCommand: Command = {
  name: 'start',
  summary: 'run the service: dispatcher (and scheduler, Admin processes) until SIGTERM',
  usage: '[-v]',
  exitCodes: { 0: 'stopped by SIGTERM or SIGINT', 1: 'could not start', 2: 'configuration error' },
  async run(ctx) {
    const app = openApp({ configFile: ctx.configFile, env: ctx.env, logLevel: ctx.verbose ? 'debug' : 'info' });
    for (const warning of app.loaded.warnings) app.log.warn(`${warning.path}: ${warning.message}`);
    const service = runService(app);
    await service.stopped;
    return EXIT.ok;
  },
};
