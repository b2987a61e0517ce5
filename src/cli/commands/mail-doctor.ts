import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { activeProfileName } from '../../config/semantic-checks.js';
import { serviceAccount } from '../../app/mail-client-wiring.js';
import { openSqliteStore } from '../../storage/sqlite/store.js';
import { KNOWN_CLIENTS, isKnownClientName } from '../../transports/mailclient/catalogue.js';
import { Detector } from '../../transports/mailclient/detect.js';
import { doctorChecks } from '../../transports/mailclient/doctor.js';
import { MtaQueueReader } from '../../transports/mailclient/mta-queue-reader.js';
import { ChildProcessRunner } from '../../transports/mailclient/program-runner.js';
import { selectClients } from '../../transports/mailclient/selection.js';
import { EXIT, type Command } from '../command.js';
import { printJson } from '../output.js';

export const mailDoctorCommand: Command = {
  name: 'mail doctor',
  summary: 'what mail delivery would do now, and why; a hint for each problem',
  usage: '[--json]',
  exitCodes: { 0: 'no problem found', 1: 'at least one problem (each with a hint)', 2: 'configuration error' },
  async run(ctx) {
    const { config } = loadConfig(ctx.configFile);
    const runner = new ChildProcessRunner();
    const name = activeProfileName(config);
    const profile = name ? config.profiles[name] : undefined;
    const preference = profile?.method === 'client' && profile.clients ? profile.clients : config.mail.clientsSupported;
    const detection = await new Detector({ runner }).detect();
    const selection = selectClients(preference, detection, { usingSpooler: config.mail.usingSpooler });
    const account = serviceAccount(ctx.env);
    const selected = selection.clients[0];
    const configFiles =
      selected && isKnownClientName(selected.name)
        ? KNOWN_CLIENTS[selected.name].configFiles.map((file) => {
            const full = file.startsWith('~/') ? path.join(account.HOME ?? '/nonexistent', file.slice(2)) : file;
            return { path: full, exists: existsSync(full) };
          })
        : [];
    const queue = selected?.coupling === 'spooling' ? await new MtaQueueReader({ runner }).list(selected.queueListing) : undefined;
    const dataDir = path.resolve(path.dirname(ctx.configFile), config.dataDir);
    const store = openSqliteStore(dataDir);
    let stuck;
    try {
      stuck = (await store.handOffs.stuck()).map((h) => ({ outboxId: h.outboxId, client: h.client, ...(h.queueId ? { queueId: h.queueId } : {}), handedAt: h.handedAt, reason: h.lastReason ?? '' }));
    } finally {
      await store.close();
    }
    const checks = doctorChecks({
      profile: profile && name ? { name, method: profile.method } : undefined,
      usingSpooler: config.mail.usingSpooler,
      selection,
      detection,
      account,
      configFiles,
      ...(queue ? { queue } : {}),
      stuck,
    });
    if (ctx.json) printJson(ctx.stdout, checks);
    else {
      for (const check of checks) {
        ctx.stdout.write(`${check.id} ${check.status.padEnd(7)} ${check.message}\n`);
        if (check.hint) ctx.stdout.write(`        hint: ${check.hint}\n`);
      }
    }
    return checks.some((c) => c.status === 'problem') ? EXIT.failure : EXIT.ok;
  },
};
