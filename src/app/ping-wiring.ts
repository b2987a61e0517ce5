import type { Redactor } from '../config/redact.js';
import type { VigilConfig } from '../config/schema/index.js';
import { pingUrlProblem, type PingConfig } from '../config/schema/ping.js';
import { readSecret } from '../config/secrets.js';
import type { StoredChannelRequest, PingRenderer } from '../domain/channel.js';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import { SERVICE_PING_TARGET, type PingContent } from '../domain/ping.js';
import type { Transport } from '../domain/transport.js';
import { ChannelTransport } from '../transports/push/channel-transport.js';
import { PING_SPECS } from '../transports/push/heartbeat.js';

export interface PingWiringOptions {
  config: VigilConfig;
  redactor: Redactor;
  clock: Clock;
  env?: NodeJS.ProcessEnv;
}

/** The ping configured for a target: `service` (heartbeat) or `set:<name>`. */
export function pingConfigOf(config: VigilConfig, target: string): { key: string; ping: PingConfig } | undefined {
  if (target === SERVICE_PING_TARGET) return config.heartbeat ? { key: 'heartbeat', ping: config.heartbeat } : undefined;
  const set = target.startsWith('set:') ? target.slice(4) : undefined;
  const ping = set === undefined ? undefined : config.sets[set]?.ping;
  return ping ? { key: `sets.${set}.ping`, ping } : undefined;
}

/**
 * The ping targets' transports: the push channels' ChannelTransport (one HTTP client, one
 * classification, the Outbox's retries) with a heartbeat protocol's spec. Built on first use;
 * the URL — the credential — is registered with the redactor before anything can print it.
 */
export class PingTransports implements PingRenderer {
  private readonly built = new Map<string, Transport>();

  constructor(private readonly o: PingWiringOptions) {}

  renderPing(target: string, content: PingContent): StoredChannelRequest {
    const found = pingConfigOf(this.o.config, target);
    if (!found) throw new VigilError('ERR_CONFIG_INVALID', `no ping is configured for ${target}`, { hint: 'Add heartbeat: or sets.<name>.ping: to vigil.yaml (docs/heartbeats.md).' });
    return PING_SPECS[found.ping.protocol].render(content);
  }

  transportFor(target: string): Transport | undefined {
    const existing = this.built.get(target);
    if (existing) return existing;
    const found = pingConfigOf(this.o.config, target);
    if (!found) return undefined;
    let transport: Transport;
    try {
      transport = this.build(found.key, found.ping);
    } catch (error) {
      const code = error instanceof VigilError ? error.code : 'ERR_INTERNAL';
      const detail = this.o.redactor.redact((error as Error).message);
      transport = { kind: `ping:${found.ping.protocol}`, send: async () => ({ kind: 'credentials', detail, errorCode: code, transcript: '' }) };
    }
    this.built.set(target, transport);
    return transport;
  }

  attemptDeadlineMs(target?: string): number {
    const pings = target === undefined ? allPings(this.o.config) : [pingConfigOf(this.o.config, target)?.ping];
    return Math.max(0, ...pings.map((p) => (p ? p.timeoutSeconds * 1000 : 0)));
  }

  /** Releases kept-alive connections. Idempotent. */
  async close(): Promise<void> {
    await Promise.all([...this.built.values()].map((t) => t.close?.()));
    this.built.clear();
  }

  private build(key: string, ping: PingConfig): Transport {
    const urlText = readPingUrl(ping, key, this.o.redactor, this.o.env);
    const problem = pingUrlProblem(urlText);
    if (problem) throw new VigilError('ERR_CONFIG_INVALID', `${key}.url ${problem}`);
    return new ChannelTransport({
      name: key,
      spec: PING_SPECS[ping.protocol],
      url: new URL(urlText),
      secrets: {},
      timeoutMs: ping.timeoutSeconds * 1000,
      // http:// is the user's choice for a checker on the LAN (config check warns about it).
      allowInsecure: true,
      clock: this.o.clock,
      redact: (text) => this.o.redactor.redact(text),
    });
  }
}

function allPings(config: VigilConfig): PingConfig[] {
  return [config.heartbeat, ...Object.values(config.sets).map((s) => s.ping)].filter((p): p is PingConfig => p !== undefined);
}

/**
 * A ping URL, read and registered with the redactor: the whole URL and its path (the secret
 * part, which error texts quote without the query). Throws ERR_SECRET_UNREADABLE naming the key.
 */
export function readPingUrl(ping: PingConfig, key: string, redactor: Redactor, env?: NodeJS.ProcessEnv): string {
  const text = typeof ping.url === 'string' ? ping.url : readSecret(ping.url, `${key}.url`, env);
  redactor.add(text);
  try {
    const url = new URL(text);
    redactor.add(url.href);
    if (url.pathname.length > 1) redactor.add(url.pathname.replace(/\/+$/, ''));
  } catch {
    // not a URL: the caller reports it (without the value)
  }
  return text;
}

/** Registers every ping URL with the redactor at start, so no log line can carry one. */
export function registerPingSecrets(config: VigilConfig, redactor: Redactor, env: NodeJS.ProcessEnv): void {
  const entries: Array<[string, PingConfig | undefined]> = [['heartbeat', config.heartbeat], ...Object.entries(config.sets).map(([name, set]): [string, PingConfig | undefined] => [`sets.${name}.ping`, set.ping])];
  for (const [key, ping] of entries) {
    if (!ping) continue;
    try {
      readPingUrl(ping, key, redactor, env);
    } catch {
      // unreadable now: the ping's own attempt reports it, with the key
    }
  }
}
