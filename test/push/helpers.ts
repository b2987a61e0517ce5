import { openApp, type AppContext } from '../../src/app/context.js';
import type { ChannelContent } from '../../src/domain/channel.js';
import type { Clock } from '../../src/domain/clock.js';
import { Workspace } from '../helpers/workspace.js';

export const HOST = 'vigil-test.example.com';

/** A workspace whose vigil.yaml has a maildir profile (mail stays local) and the given channels. */
export function channelWorkspace(channelsYaml: string, extra = ''): Workspace {
  return new Workspace(`dataDir: ./var
hostname: ${HOST}
profiles:
  local:
    method: maildir
    from: vigil@example.com
    addressBook:
      admins: [ops@example.com]
channels:
${channelsYaml}
outbox:
  minBackoff: 1m
  maxBackoff: 10m
${extra}`);
}

export const FAILURE: ChannelContent = {
  event: 'alert',
  title: 'Backup documents FAILED on vigil-test.example.com',
  text: 'FAILED documents on vigil-test.example.com: vault unreachable',
  severity: 'critical',
  host: HOST,
  kind: 'backup.failed',
  at: Date.parse('2026-11-20T10:00:00Z'),
  set: 'documents',
  status: 'failed',
  activityId: 42,
  firstError: 'vault unreachable',
  counters: { files: 10, errors: 1, warnings: 0, bytesNew: 0 },
  streak: 1,
  incidentKey: `vigil:${HOST}:documents`,
};

/** Enqueues one channel message and runs one delivery pass; returns the app, the id and the stored row. */
export async function sendOne(ws: Workspace, channel: string, content: ChannelContent, env: NodeJS.ProcessEnv = {}, clock?: Clock): Promise<{ app: AppContext; id: string }> {
  const app = openApp({ configFile: ws.configFile, logLevel: 'error', env, ...(clock ? { clock } : {}) });
  const { id } = await app.outbox.enqueue({
    kind: content.kind,
    severity: content.severity,
    profile: `channel:${channel}`,
    from: 'vigil',
    to: [channel],
    subject: content.title,
    text: content.text,
    channel: { name: channel, content },
  });
  await app.dispatcher.runPass();
  return { app, id };
}
