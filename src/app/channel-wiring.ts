import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { secretsOf } from '../config/channel-checks.js';
import type { Redactor } from '../config/redact.js';
import { urlProblem, type ChannelConfig } from '../config/schema/channels.js';
import type { VigilConfig } from '../config/schema/index.js';
import { readSecret } from '../config/secrets.js';
import type { ChannelContent, ChannelRenderer, StoredChannelRequest } from '../domain/channel.js';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import type { Transport } from '../domain/transport.js';
import { ChannelTransport } from '../transports/push/channel-transport.js';
import { specFor } from '../transports/push/index.js';

export interface ChannelWiringOptions {
  config: VigilConfig;
  redactor: Redactor;
  clock: Clock;
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds each channel's transport on first use: reads its secrets (registered with the
 * redactor first, the whole webhook URL included when it is one), resolves its endpoint.
 * A channel whose secrets cannot be read yields that error for its messages only.
 */
export class ChannelTransports implements ChannelRenderer {
  private readonly built = new Map<string, Transport>();

  constructor(private readonly o: ChannelWiringOptions) {}

  transportFor(name: string): Transport | undefined {
    const existing = this.built.get(name);
    if (existing) return existing;
    const config = this.o.config.channels[name];
    if (!config) return undefined;
    let transport: Transport;
    try {
      transport = this.build(name, config);
    } catch (error) {
      const code = error instanceof VigilError ? error.code : 'ERR_INTERNAL';
      const detail = this.o.redactor.redact((error as Error).message);
      transport = { kind: `push:${config.type}`, send: async () => ({ kind: 'credentials', detail, errorCode: code, transcript: '' }) };
    }
    this.built.set(name, transport);
    return transport;
  }

  /** Releases the channels' kept-alive connections. Idempotent. */
  async close(): Promise<void> {
    await Promise.all([...this.built.values()].map((t) => t.close?.()));
    this.built.clear();
  }

  attemptDeadlineMs(name?: string): number {
    const configs = name === undefined ? Object.values(this.o.config.channels) : [this.o.config.channels[name]];
    return Math.max(0, ...configs.map((c) => (c ? c.timeoutSeconds * 1000 : 0)));
  }

  /** Renders at enqueue: pure, no secrets needed (they are added when sending). */
  render(name: string, content: ChannelContent): StoredChannelRequest {
    const config = this.o.config.channels[name];
    if (!config) throw new VigilError('ERR_CHANNEL_UNKNOWN', `no channel named "${name}"`, { hint: `Defined channels: ${Object.keys(this.o.config.channels).join(', ') || 'none'}.` });
    return specFor(config).render(content, config);
  }

  private build(name: string, config: ChannelConfig): Transport {
    const key = `channels.${name}`;
    const spec = specFor(config);
    const secrets: Record<string, string> = {};
    for (const [field, ref] of secretsOf(config)) {
      secrets[field] = readSecret(ref, `${key}.${field}`, this.o.env);
      this.o.redactor.add(secrets[field]);
    }
    let urlText: string;
    if (config.url === undefined) {
      if (!spec.defaultUrl) throw new VigilError('ERR_CONFIG_INVALID', `${key}.url is required for a ${config.type} channel`);
      urlText = spec.defaultUrl;
    } else if (typeof config.url === 'string') {
      urlText = config.url;
    } else {
      urlText = readSecret(config.url, `${key}.url`, this.o.env);
    }
    // A URL that carries a token anywhere in it is a secret as a whole; the topic of an open
    // ntfy server is its password too. The origin alone is what transcripts show.
    if (new URL(urlText).pathname.length > 1 || typeof config.url !== 'string') this.o.redactor.add(urlText);
    const problem = urlProblem(urlText, config.allowInsecure);
    if (problem) throw new VigilError('ERR_PUSH_TLS', `${key}.url ${problem}`);
    let ca: string[] | undefined;
    if (config.caFile) {
      try {
        ca = [...rootCertificates, readFileSync(config.caFile, 'utf8')];
      } catch (error) {
        throw new VigilError('ERR_CONFIG_INVALID', `${key}.caFile: cannot read ${config.caFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    return new ChannelTransport({
      name,
      spec,
      url: new URL(urlText),
      secrets,
      timeoutMs: config.timeoutSeconds * 1000,
      allowInsecure: config.allowInsecure,
      ...(ca ? { ca } : {}),
      clock: this.o.clock,
      redact: (text) => this.o.redactor.redact(text),
    });
  }
}
