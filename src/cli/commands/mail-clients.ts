import { loadConfig } from '../../config/load.js';
import { activeProfileName } from '../../config/semantic-checks.js';
import { Detector } from '../../transports/mailclient/detect.js';
import { ChildProcessRunner } from '../../transports/mailclient/program-runner.js';
import { selectClients } from '../../transports/mailclient/selection.js';
import { EXIT, type Command } from '../command.js';
import { printJson, printTable, truncate } from '../output.js';

export const mailClientsCommand: Command = {
  name: 'mail clients',
  summary: 'supported mail clients in preference order: installed, what each is, selected',
  usage: '[--json]',
  exitCodes: { 0: 'a client is selected', 1: 'no listed client is installed and allowed', 2: 'configuration error' },
  async run(ctx) {
    const { config } = loadConfig(ctx.configFile);
    const name = activeProfileName(config);
    const profile = name ? config.profiles[name] : undefined;
    const preference = profile?.method === 'client' && profile.clients ? profile.clients : config.mail.clientsSupported;
    const detection = await new Detector({ runner: new ChildProcessRunner() }).detect();
    const selection = selectClients(preference, detection, { usingSpooler: config.mail.usingSpooler });
    if (ctx.json) {
      printJson(ctx.stdout, { usingSpooler: config.mail.usingSpooler, sendmail: detection.sendmail, clients: selection.entries });
    } else {
      printTable(
        ctx.stdout,
        ['#', 'CLIENT', 'STATUS', 'PATH', 'VERSION', 'COUPLING', 'WHY'],
        selection.entries.map((e) => [String(e.position + 1), e.name, e.status, e.path ?? '-', e.version ?? '-', e.coupling ?? '-', ctx.verbose ? e.reason : truncate(e.reason, 90)]),
      );
      const s = detection.sendmail;
      ctx.stdout.write(`\n${s.path}: ${s.exists ? `${s.client ?? 'unknown program'}${s.chain.length > 1 ? ` (${s.chain.join(' → ')})` : ''}${s.packages.length ? `, package ${s.packages.join(', ')}` : ''}` : 'not present'}\n`);
      ctx.stdout.write(`mail.usingSpooler: ${config.mail.usingSpooler}\n`);
    }
    return selection.clients.length > 0 ? EXIT.ok : EXIT.failure;
  },
};
