import { openApp } from '../../app/context.js';
import { ServiceSupervisor } from '../../app/supervisor.js';
import { EXIT, type Command } from '../command.js';

export const startCommand: Command = {
  name: 'start',
  summary: 'run the service: scheduler, Admin processes, dispatcher; SIGHUP reloads vigil.yaml, SIGTERM stops',
  usage: '[-v]',
  exitCodes: { 0: 'stopped by SIGTERM or SIGINT', 1: 'could not start (or restart after a reload)', 2: 'configuration error' },
  async run(ctx) {
    const supervisor = new ServiceSupervisor({
      open: (loaded) => openApp({ configFile: ctx.configFile, env: ctx.env, logLevel: ctx.verbose ? 'debug' : 'info', ...(loaded ? { loaded } : {}) }),
    });
    supervisor.handleSignals();
    await supervisor.stopped;
    return supervisor.failed ? EXIT.failure : EXIT.ok;
  },
};
