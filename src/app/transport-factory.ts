import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import type { VigilConfig, ProfileConfig, SmtpProfileConfig, SmtpServerConfig } from '../config/schema/index.js';
import type { Redactor } from '../config/redact.js';
import { readSecret } from '../config/secrets.js';
import { VigilError } from '../domain/errors.js';
import type { Transport } from '../domain/transport.js';
import type { TransportResolver } from '../outbox/dispatcher.js';
import { FailoverTransport } from '../transports/failover-transport.js';
import { MaildirTransport } from '../transports/maildir/maildir-transport.js';
import { SmtpTransport, type SmtpCredentials } from '../transports/smtp/smtp-transport.js';
import type { Clock } from '../domain/clock.js';
import type { HandOffStore } from '../storage/ports/hand-off-store.js';
import { buildMailClientTransport, mailClientAttemptDeadlineMs } from './mail-client-wiring.js';
import { systemClock } from './system-clock.js';
import { buildGraphTransport, smtpTokenCache, type OAuthWiring } from './oauth-wiring.js';
import { ChannelTransports } from './channel-wiring.js';
import { channelOfProfile } from '../domain/channel.js';
import { pingTargetOfProfile } from '../domain/ping.js';
import { PingTransports } from './ping-wiring.js';

export interface TransportFactoryOptions {
  config: VigilConfig;
  redactor: Redactor;
  /** Name given in EHLO and Message-IDs. */
  hostname: string;
  env?: NodeJS.ProcessEnv;
  /** For `method: client`: re-detection timing and hand-off times. */
  clock?: Clock;
  /** For `method: client`: where hand-offs to spooling programs are recorded for the queue watch. */
  handOffs?: HandOffStore;
}

/**
 * Builds each profile's transport on first use and keeps it (connections are reused).
 * A profile whose secrets cannot be read yields an error only for that profile's messages.
 */
export class ConfiguredTransports implements TransportResolver {
  private readonly built = new Map<string, Transport>();
  /** Push channels: their messages are stored under the pseudo-profile `channel:<name>`. */
  readonly channels: ChannelTransports;
  /** Heartbeat pings: stored under the pseudo-profile `ping:<target>`, sent like channels. */
  readonly pings: PingTransports;

  constructor(private readonly o: TransportFactoryOptions) {
    this.channels = new ChannelTransports({ config: o.config, redactor: o.redactor, clock: o.clock ?? systemClock, ...(o.env ? { env: o.env } : {}) });
    this.pings = new PingTransports({ config: o.config, redactor: o.redactor, clock: o.clock ?? systemClock, ...(o.env ? { env: o.env } : {}) });
  }

  transportFor(profileName: string): Transport | undefined {
    const channel = channelOfProfile(profileName);
    if (channel !== undefined) return this.channels.transportFor(channel);
    const ping = pingTargetOfProfile(profileName);
    if (ping !== undefined) return this.pings.transportFor(ping);
    const existing = this.built.get(profileName);
    if (existing) return existing;
    const profile = this.o.config.profiles[profileName];
    if (!profile) return undefined;
    let transport: Transport;
    try {
      transport = this.build(profileName, profile);
    } catch (error) {
      transport = brokenTransport(error as Error);
    }
    this.built.set(profileName, transport);
    return transport;
  }

  attemptDeadlineMs(profileName?: string): number {
    const channel = profileName === undefined ? undefined : channelOfProfile(profileName);
    if (channel !== undefined) return this.channels.attemptDeadlineMs(channel) || 30_000;
    const ping = profileName === undefined ? undefined : pingTargetOfProfile(profileName);
    if (ping !== undefined) return this.pings.attemptDeadlineMs(ping) || 30_000;
    if (profileName === undefined) return Math.max(this.mailDeadlineMs(), this.channels.attemptDeadlineMs(), this.pings.attemptDeadlineMs());
    return this.mailDeadlineMs(profileName);
  }

  private mailDeadlineMs(profileName?: string): number {
    const profiles = profileName ? [this.o.config.profiles[profileName]] : Object.values(this.o.config.profiles);
    let longest = 0;
    for (const p of profiles) {
      if (!p) continue;
      if (p.method === 'client') {
        longest = Math.max(longest, mailClientAttemptDeadlineMs(p));
        continue;
      }
      // Per SMTP server: the wait for a free connection, then the attempt's own deadline.
      const perServer = p.method === 'smtp' ? smtpConnectionWaitMs(p, this.o.config.outbox.concurrency) + p.timeoutSeconds * 1000 : p.timeoutSeconds * 1000;
      const tries = p.method === 'smtp' ? p.servers.length : 1;
      longest = Math.max(longest, perServer * tries);
    }
    return longest || 30_000;
  }

  async close(): Promise<void> {
    await Promise.all([...this.built.values()].map((t) => t.close?.()));
    this.built.clear();
    await this.channels.close();
    await this.pings.close();
  }

  private build(name: string, profile: ProfileConfig): Transport {
    switch (profile.method) {
      case 'smtp':
        return new FailoverTransport(
          profile.servers.map((server, index) => this.smtp(name, profile, server, index)),
          // A server that did not answer is skipped 15 s, doubling up to outbox.minBackoff.
          { now: () => (this.o.clock ?? systemClock).now(), backoff: { firstMs: Math.min(15_000, this.o.config.outbox.minBackoff), maxMs: this.o.config.outbox.minBackoff } },
        );
      case 'maildir':
        return new MaildirTransport(profile.path ? path.resolve(this.o.config.dataDir, profile.path) : path.join(this.o.config.dataDir, 'mailbox'));
      case 'graph':
        return buildGraphTransport(profile, `profiles.${name}`, this.oauthWiring(profile.timeoutSeconds), (text) => this.o.redactor.redact(text));
      case 'client':
        return buildMailClientTransport(this.o.config, profile, {
          clock: this.o.clock ?? systemClock,
          ...(this.o.handOffs ? { handOffs: this.o.handOffs } : {}),
          ...(this.o.env ? { env: this.o.env } : {}),
        });
    }
  }

  private smtp(name: string, profile: SmtpProfileConfig, server: SmtpServerConfig, index: number): SmtpTransport {
    const key = `profiles.${name}.servers.${index}`;
    let auth: (() => Promise<SmtpCredentials>) | undefined;
    if (server.auth?.oauth2) {
      // Tokens come from the cache at each login: refreshed before expiry, refetched if refused.
      const credentials = { user: server.auth.user, tokens: smtpTokenCache(server.auth.oauth2, server.auth.user, `${key}.auth.oauth2`, this.oauthWiring(profile.timeoutSeconds)) };
      auth = async () => credentials;
    } else if (server.auth?.pass) {
      const pass = readSecret(server.auth.pass, `${key}.auth.pass`, this.o.env);
      this.o.redactor.add(pass, server.auth.user);
      const credentials = { user: server.auth.user, pass };
      auth = async () => credentials;
    }
    let ca: string[] | undefined;
    if (server.tls.caFile) {
      try {
        // In addition to the system's CAs, not instead of them.
        ca = [...rootCertificates, readFileSync(server.tls.caFile, 'utf8')];
      } catch (error) {
        throw new VigilError('ERR_CONFIG_INVALID', `${key}.tls.caFile: cannot read ${server.tls.caFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    return new SmtpTransport({
      host: server.host,
      port: server.port,
      security: server.security,
      rejectUnauthorized: !server.tls.allowSelfSigned,
      ...(ca ? { ca } : {}),
      ...(server.tls.servername ? { servername: server.tls.servername } : {}),
      clientName: this.o.hostname,
      timeoutMs: profile.timeoutSeconds * 1000,
      maxConnections: profile.connections,
      connectionWaitMs: smtpConnectionWaitMs(profile, this.o.config.outbox.concurrency),
      ...(auth ? { auth } : {}),
      allowPlaintextAuth: server.allowPlaintextAuth,
      redact: (text) => this.o.redactor.redact(text),
    });
  }

  private oauthWiring(timeoutSeconds: number): OAuthWiring {
    return { redactor: this.o.redactor, clock: this.o.clock ?? systemClock, env: this.o.env ?? process.env, timeoutMs: timeoutSeconds * 1000 };
  }
}

/**
 * How long a message may wait for a free connection to one of the profile's servers: as long as
 * the messages ahead of it may take. With `concurrency` messages in flight on `connections`
 * connections, at most ⌈concurrency ÷ connections⌉ − 1 rounds of attempts come before it, each
 * within timeoutSeconds; one round more of slack covers a fault alert or `vigil mail test` sent
 * beside the dispatcher. A wait that runs out is not tried (our queue), so this only has to be
 * long enough for the normal case — and short enough to keep the lease (which covers it) sane.
 */
export function smtpConnectionWaitMs(profile: SmtpProfileConfig, concurrency: number): number {
  return profile.timeoutSeconds * 1000 * Math.max(1, Math.ceil(concurrency / profile.connections));
}

/** Stands in for a profile that cannot be built: its messages wait, with the reason recorded. */
function brokenTransport(error: Error): Transport {
  const code = error instanceof VigilError ? error.code : 'ERR_INTERNAL';
  return {
    kind: 'none',
    async send() {
      return { kind: 'credentials', detail: error.message, errorCode: code, transcript: '' };
    },
  };
}
