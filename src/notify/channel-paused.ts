import type { VigilConfig } from '../config/schema/index.js';
import { channelOfProfile, type ChannelContent } from '../domain/channel.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { PRIORITY, type MessageRequest } from '../domain/message.js';
import { pingTargetOfProfile, SERVICE_PING_TARGET } from '../domain/ping.js';
import type { Outbox } from '../outbox/outbox.js';
import { channelRequests } from './channel-requests.js';
import { formatTime } from './compose.js';
import { notificationHeaders } from './headers.js';
import { notifyTargets } from './targets.js';

export interface ChannelPauseDeps {
  config: VigilConfig;
  outbox: Pick<Outbox, 'enqueueMany'>;
  clock: Clock;
  log: Logger;
  host: string;
}

/** A paused route that is not a Mail Profile: a push channel, or a heartbeat ping's checker. */
interface PausedRoute {
  /** Remembered per route, so each is told at most once per remindEvery. */
  key: string;
  kind: 'escalation.channel-paused' | 'escalation.ping-paused';
  subject: string;
  lines: string[];
  /** A channel must not be told about itself. */
  skipChannel?: string;
}

/**
 * Escalation across media, the other way round: a push channel paused for its credentials, or
 * a heartbeat ping whose checker refuses its URL (the outside dead-man's switch then watches
 * nothing), is told to the admins by a channel that still works — their e-mail, and their push
 * channels other than the paused one. At most once per route per `notification.remindEvery` (it
 * is paused again after each failed retry). Its kind is `escalation.*`, so it never escalates
 * itself.
 */
export class ChannelPauseNotifier {
  private readonly told = new Map<string, number>();

  constructor(private readonly deps: ChannelPauseDeps) {}

  /** A profile was paused; when it is a channel's or a ping's, tells the admins. Resolves whether it did. */
  async onPaused(profile: string, reason: string, until: number): Promise<boolean> {
    const route = this.describe(profile, reason, until);
    if (!route) return false;
    const { config, clock, log, host } = this.deps;
    const now = clock.now();
    const last = this.told.get(route.key);
    if (last !== undefined && now >= last && now - last < config.notification.remindEvery) return false;
    const targets = notifyTargets(config, { mail: config.notification.admins, pager: [] });
    const channels = targets.channels.filter((c) => c !== route.skipChannel);
    if (targets.mail.length === 0 && channels.length === 0) {
      log.error(`${route.subject.replace(/^\[Vigil\] /, '')} (${reason}), and no admin can be told: notification.admins names no address or other channel`);
      return false;
    }
    this.told.set(route.key, now);
    const dedupeKey = `${route.key}:${until}`;
    const text = route.lines.join('\n');
    const requests: MessageRequest[] = [];
    if (targets.mail.length && targets.mailVia) {
      requests.push({
        kind: route.kind,
        severity: 'critical',
        priority: PRIORITY.critical,
        profile: targets.mailVia.profile,
        from: targets.mailVia.from,
        to: targets.mail,
        subject: route.subject,
        text,
        dedupeKey,
        headers: notificationHeaders(host, {}, true),
      });
    }
    const content: ChannelContent = { event: 'escalation', title: route.subject, text: route.lines[0]!, severity: 'critical', host, kind: route.kind, at: now, incidentKey: `vigil:${host}:${route.key}` };
    requests.push(...channelRequests(config, channels, content, { kind: route.kind, severity: 'critical', priority: PRIORITY.critical, dedupeKey }));
    await this.deps.outbox.enqueueMany(requests);
    return true;
  }

  private describe(profile: string, reason: string, until: number): PausedRoute | undefined {
    const { config, host } = this.deps;
    const channel = channelOfProfile(profile);
    if (channel !== undefined) {
      const type = config.channels[channel]?.type ?? 'channel';
      return {
        key: `channel-paused:${channel}`,
        kind: 'escalation.channel-paused',
        subject: `[Vigil] channel ${channel} (${type}) is paused on ${host}`,
        skipChannel: channel,
        lines: [
          `Vigil on ${host} cannot deliver through channel "${channel}" (${type}): ${reason}`,
          '',
          `The channel is paused until ${formatTime(until)}; its messages wait in the Outbox and are`,
          'retried then. Critical alerts meanwhile go to the other channels and by e-mail.',
          '',
          `Fix the credentials (docs/channels.md), then run: vigil notify test ${channel}`,
        ],
      };
    }
    const target = pingTargetOfProfile(profile);
    if (target === undefined) return undefined;
    const what = target === SERVICE_PING_TARGET ? 'service heartbeat ping' : `heartbeat ping of set ${target.replace(/^set:/, '')}`;
    const key = target === SERVICE_PING_TARGET ? 'heartbeat' : `sets.${target.replace(/^set:/, '')}.ping`;
    return {
      key: `ping-paused:${target}`,
      kind: 'escalation.ping-paused',
      subject: `[Vigil] ${what} is refused on ${host}`,
      lines: [
        `Vigil on ${host}: the checker refused the ${what}: ${reason}`,
        '',
        'The outside check no longer hears from this host, so it cannot tell you when backups or',
        `the service stop. Pings are paused until ${formatTime(until)} and retried then.`,
        '',
        `Fix the URL under ${key} in vigil.yaml (the check may have been deleted or its URL`,
        'changed; docs/heartbeats.md), then restart the service.',
      ],
    };
  }
}
