import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { channelProfile } from '../../domain/channel.js';
import { openStore } from '../../app/open-store.js';
import { EXIT, type Command } from '../command.js';
import { isoTime, printJson, printTable } from '../output.js';

export const channelsCommand: Command = {
  name: 'channels',
  summary: 'list the push channels with their last delivery and whether they are paused',
  usage: '[--json]',
  async run(ctx) {
    const { config } = loadConfig(ctx.configFile);
    const store = await openStore(config, { baseDir: path.dirname(ctx.configFile), env: ctx.env });
    try {
      const now = Date.now();
      const rows = await Promise.all(
        Object.entries(config.channels).map(async ([name, channel]) => {
          const profile = channelProfile(name);
          const [state, [last]] = await Promise.all([store.profiles.get(profile), store.outbox.list({ profile, limit: 1 })]);
          const paused = state.pausedUntil !== null && state.pausedUntil > now;
          return {
            name,
            type: channel.type,
            // Only a plain URL's origin: the rest of it (or a URL from a secret) may be the credential.
            endpoint: typeof channel.url === 'string' ? new URL(channel.url).origin : channel.url ? '(secret)' : 'default',
            paused,
            pausedUntil: paused ? state.pausedUntil : null,
            pauseReason: paused ? state.pauseReason : null,
            last: last ? { id: last.id, state: last.state, at: last.sentAt ?? last.updatedAt, kind: last.kind, error: last.lastError } : null,
          };
        }),
      );
      if (ctx.json) printJson(ctx.stdout, rows);
      else if (rows.length === 0) ctx.stdout.write('no channels: add them under channels: in vigil.yaml (docs/channels.md)\n');
      else
        printTable(
          ctx.stdout,
          ['NAME', 'TYPE', 'ENDPOINT', 'STATE', 'LAST MESSAGE'],
          rows.map((r) => [r.name, r.type, r.endpoint, r.paused ? `paused until ${isoTime(r.pausedUntil)}: ${r.pauseReason ?? ''}` : 'active', r.last ? `${r.last.state} ${isoTime(r.last.at)} (${r.last.id})` : '-']),
        );
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
