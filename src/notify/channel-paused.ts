import type { VigilConfig } from '../config/schema/index.js';
import { activeProfile } from '../config/semantic-checks.js';
import { channelOfProfile } from '../domain/channel.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { PRIORITY } from '../domain/message.js';
import { resolveRecipients } from '../domain/recipients.js';
import type { Outbox } from '../outbox/outbox.js';
import { formatTime } from './compose.js';
import { notificationHeaders } from './headers.js';

export interface ChannelPauseDeps {
  config: VigilConfig;
  outbox: Pick<Outbox, 'enqueueMany'>;
  clock: Clock;
  log: Logger;
  host: string;
}

/**
 * Escalation across media, the other way round: a push channel paused for its credentials is
 * told to the admins by e-mail — a channel that still works. At most once per channel per
 * `notification.remindEvery` (it is paused again after each failed retry). Its kind is
 * `escalation.*`, so it never escalates itself.
 */
export class ChannelPauseNotifier {
  private readonly told = new Map<string, number>();

  constructor(private readonly deps: ChannelPauseDeps) {}

  /** A profile was paused; when it is a channel's, mails the admins. Resolves whether it did. */
  async onPaused(profile: string, reason: string, until: number): Promise<boolean> {
    const channel = channelOfProfile(profile);
    if (channel === undefined) return false;
    const { config, clock, log, host } = this.deps;
    const now = clock.now();
    const last = this.told.get(channel);
    if (last !== undefined && now >= last && now - last < config.notification.remindEvery) return false;
    const active = activeProfile(config);
    const admins = active ? resolveRecipients(config.notification.admins, active.profile.addressBook ?? {}).addresses : [];
    if (!active || admins.length === 0) {
      log.error(`channel ${channel} is paused (${reason}) and no e-mail admin can be told`);
      return false;
    }
    this.told.set(channel, now);
    const type = config.channels[channel]?.type ?? 'channel';
    await this.deps.outbox.enqueueMany([
      {
        kind: 'escalation.channel-paused',
        severity: 'critical',
        priority: PRIORITY.critical,
        profile: active.name,
        from: active.profile.from,
        to: admins,
        subject: `[Vigil] channel ${channel} (${type}) is paused on ${host}`,
        text: [
          `Vigil on ${host} cannot deliver through channel "${channel}" (${type}): ${reason}`,
          '',
          `The channel is paused until ${formatTime(until)}; its messages wait in the Outbox and are`,
          'retried then. Critical alerts meanwhile go to the other channels and by e-mail.',
          '',
          `Fix the credentials (docs/channels.md), then run: vigil notify test ${channel}`,
        ].join('\n'),
        dedupeKey: `channel-paused:${channel}:${until}`,
        headers: notificationHeaders(host, {}, true),
      },
    ]);
    return true;
  }
}
