import { encodeChannelRequest, type ChannelContent } from '../../src/domain/channel.js';
import type { ChannelType } from '../../src/domain/channel.js';
import { HttpPeer, type PeerAnswer, type PeerBehaviour } from '../helpers/http-peer.js';
import { transportConformance } from './transport/transport.suite.js';
import { configuredTransports } from './transport/configured.js';

/**
 * The rows of the Transport suite for the push channels: each service's documented answers from a
 * real HTTP server on loopback, the channel built from vigil.yaml as the service builds it.
 */
interface ChannelRow {
  type: ChannelType;
  /** The channel's keys after `type`, given the peer's base URL. */
  yaml: (base: string) => string;
  /** The secrets the keys name, by environment variable. */
  env: (base: string) => Record<string, string>;
  /** What the service answers to a message it took. */
  ok: PeerAnswer;
  /** How the service refuses: for good, and for now (its documented shapes). */
  refusal?: (kind: 'permanent' | 'temporary', text: string) => PeerAnswer;
}

const TOKEN = 'tk_conformance_0123456789abcdef';
const rows: ChannelRow[] = [
  { type: 'ntfy', yaml: (b) => `url: "${b}/vigil-topic-7f3k", token: { env: T }`, env: () => ({ T: TOKEN }), ok: { status: 200, body: '{"id":"abc","event":"message"}' } },
  { type: 'gotify', yaml: (b) => `url: "${b}", token: { env: T }`, env: () => ({ T: TOKEN }), ok: { status: 200, body: '{"id":1}' } },
  { type: 'pagerduty', yaml: (b) => `url: "${b}/v2/enqueue", routingKey: { env: T }`, env: () => ({ T: 'R0123456789abcdef0123456789abcd' }), ok: { status: 202, body: '{"status":"success","message":"Event processed"}' } },
  { type: 'pushover', yaml: (b) => `url: "${b}/1/messages.json", token: { env: T }, user: { env: U }`, env: () => ({ T: TOKEN, U: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG' }), ok: { status: 200, body: '{"status":1,"request":"647d2300"}' }, refusal: (kind, text) => ({ status: kind === 'permanent' ? 400 : 503, body: JSON.stringify({ status: 0, errors: [text], request: 'r' }) }) },
  { type: 'telegram', yaml: (b) => `url: "${b}", botToken: { env: T }, chatId: "-1001234567890"`, env: () => ({ T: '123456789:AAconformanceTokenValue0123456789' }), ok: { status: 200, body: '{"ok":true,"result":{"message_id":1}}' }, refusal: (kind, text) => ({ status: kind === 'permanent' ? 400 : 502, body: JSON.stringify({ ok: false, error_code: kind === 'permanent' ? 400 : 502, description: text }) }) },
  { type: 'webhook', yaml: (b) => `url: "${b}/hooks/vigil", secret: { env: T }`, env: () => ({ T: `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}` }), ok: { status: 204 } },
  ...(['slack', 'teams', 'discord', 'mattermost', 'googlechat'] as const).map(
    (type): ChannelRow => ({ type, yaml: () => 'url: { env: URL }', env: (b) => ({ URL: `${b}/hooks/${type}/T000/B000/conformanceSecretPath0123` }), ok: type === 'slack' ? { status: 200, body: 'ok' } : { status: type === 'discord' ? 204 : 200 } }),
  ),
];

let counter = 0;
function content(): ChannelContent {
  counter++;
  return { event: 'alert', title: `Backup documents FAILED (${counter})`, text: `FAILED documents: vault unreachable (${counter})`, severity: 'critical', host: 'vigil-test.example.com', kind: 'backup.failed', at: Date.parse('2026-11-29T10:00:00Z'), set: 'documents', status: 'failed', activityId: counter, firstError: 'vault unreachable', incidentKey: `vigil:vigil-test.example.com:documents:${counter}` };
}

for (const row of rows) {
  transportConformance(`push:${row.type}`, async ({ deadlineMs }) => {
    let mode: 'ok' | 'hang' = 'ok';
    let refusal: PeerAnswer | undefined;
    const peer = await HttpPeer.start((): PeerBehaviour => {
      if (mode === 'hang') return 'hang';
      const answer = refusal ?? row.ok;
      refusal = undefined;
      return answer;
    });
    const base = peer.url('').replace(/\/$/, '');
    const env = row.env(base);
    const yaml = `dataDir: /nonexistent/vigil-conformance
hostname: vigil-test.example.com
profiles:
  local: { method: maildir, from: vigil@example.com, addressBook: { admins: [ops@example.com] } }
channels:
  c: { type: ${row.type}, ${row.yaml(base)}, timeoutSeconds: ${deadlineMs / 1000}, allowInsecure: true }
`;
    const transports = configuredTransports(yaml, env);
    return {
      transport: transports.transportFor('channel:c')!,
      message: () => {
        counter++;
        return { id: `push${counter}`, messageId: `msg_push${counter}`, profile: 'channel:c', createdAt: 0, envelope: { from: 'vigil', to: ['c'] }, raw: encodeChannelRequest(transports.channels.render('c', content())) };
      },
      delivered: async () => peer.received.map((r) => r.body),
      refuseNext: (kind, text) => {
        refusal = row.refusal?.(kind, text) ?? { status: kind === 'permanent' ? 400 : 503, headers: { 'Content-Type': 'text/plain' }, body: text };
      },
      hang: () => void (mode = 'hang'),
      secrets: [...Object.values(env)],
      async close() {
        await transports.close();
        await peer.stop();
      },
    };
  });
}
