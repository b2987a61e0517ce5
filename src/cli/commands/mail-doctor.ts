import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { activeProfileName } from '../../config/semantic-checks.js';
import { serviceAccount } from '../../app/mail-client-wiring.js';
import { openStore } from '../../app/open-store.js';
import { KNOWN_CLIENTS, isKnownClientName } from '../../transports/mailclient/catalogue.js';
import { Detector } from '../../transports/mailclient/detect.js';
import { doctorChecks, type DoctorCheck } from '../../transports/mailclient/doctor.js';
import { deliveryChecks } from '../../transports/delivery-doctor.js';
import { PENDING_STATES, PRIORITY } from '../../domain/message.js';
import type { VigilConfig } from '../../config/schema/index.js';
import type { Store } from '../../storage/ports/store.js';
import { MtaQueueReader } from '../../transports/mailclient/mta-queue-reader.js';
import { ChildProcessRunner } from '../../transports/mailclient/program-runner.js';
import { selectClients } from '../../transports/mailclient/selection.js';
import { EXIT, type Command } from '../command.js';
import { printJson } from '../output.js';

export const mailDoctorCommand: Command = {
  name: 'mail doctor',
  summary: 'what mail delivery would do now, and why, for every method; a hint for each problem',
  usage: '[--json]',
  exitCodes: { 0: 'no problem found', 1: 'delivery is broken: at least one problem (each with a hint)', 2: 'configuration error' },
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
    const store = await openStore({ ...config, dataDir }, { baseDir: path.dirname(ctx.configFile), env: ctx.env });
    let stuck;
    let delivery: DoctorCheck[];
    try {
      stuck = (await store.handOffs.stuck()).map((h) => ({ outboxId: h.outboxId, client: h.client, ...(h.queueId ? { queueId: h.queueId } : {}), handedAt: h.handedAt, reason: h.lastReason ?? '' }));
      delivery = await deliveryState(config, store, name);
    } finally {
      await store.close();
    }
    const clientChecks = doctorChecks({
      profile: profile && name ? { name, method: profile.method } : undefined,
      usingSpooler: config.mail.usingSpooler,
      selection,
      detection,
      account,
      configFiles,
      ...(queue ? { queue } : {}),
      stuck,
    });
    // Without a client profile the mail-client findings are background, not why delivery fails.
    const usesClients = Object.values(config.profiles).some((p) => p.method === 'client');
    const checks = [...delivery, ...clientChecks.map((c) => (usesClients || c.status !== 'problem' ? c : { ...c, status: 'info' as const }))];
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

/** Profiles, their pause state, waiting critical mail and the last attempt per server, for deliveryChecks. */
async function deliveryState(config: VigilConfig, store: Store, activeName: string | undefined): Promise<DoctorCheck[]> {
  const now = Date.now();
  const servers = (name: string): string[] => {
    const p = config.profiles[name];
    if (p?.method === 'smtp') return p.servers.map((s) => `${s.host}:${s.port}`);
    if (p?.method === 'graph') return [new URL(p.graphUrl).host];
    return [];
  };
  const states = await Promise.all(Object.keys(config.profiles).map((name) => store.profiles.get(name)));
  const createdBefore = now - config.notification.escalateAfter;
  const critical = (await store.outbox.list({ states: [...PENDING_STATES], maxPriority: PRIORITY.critical, createdBefore, limit: 500 })).filter((m) => m.priority === PRIORITY.critical);
  // Handed to a spooling program and not seen leaving its queue: not delivered either (as the escalator counts it).
  for (const handOff of await store.handOffs.watched(500)) {
    const m = await store.outbox.get(handOff.outboxId);
    if (m?.state !== 'queued-locally' || m.priority !== PRIORITY.critical || m.createdAt >= createdBefore) continue;
    critical.push({ ...m, lastError: `still in the local ${handOff.client} queue${handOff.lastReason ? `: ${handOff.lastReason}` : ''}` });
  }
  const active = activeName ? config.profiles[activeName] : undefined;
  return deliveryChecks({
    now,
    active: active && activeName ? { name: activeName, method: active.method, servers: servers(activeName) } : undefined,
    profiles: states.map((s) => ({ name: s.name, method: config.profiles[s.name]!.method, servers: servers(s.name), pausedUntil: s.pausedUntil, pauseReason: s.pauseReason })),
    criticalWaiting: critical.sort((a, b) => a.createdAt - b.createdAt),
    stuck: (await store.summary.stuckMessages(now - config.mail.stuckAfter, 10_000)).length,
    lastAttempts: await store.summary.lastAttempts(),
  });
}
