import type { ChannelConfig } from '../../config/schema/channels.js';
import type { ChannelType } from '../../domain/channel.js';
import { discord } from './discord.js';
import { googlechat } from './googlechat.js';
import { gotify } from './gotify.js';
import { ntfy } from './ntfy.js';
import { pagerduty } from './pagerduty.js';
import { pushover } from './pushover.js';
import { mattermost, slack } from './slack.js';
import { teams } from './teams.js';
import { telegram } from './telegram.js';
import { webhook } from './webhook.js';
import type { ChannelSpec } from './spec.js';

/** Every push service Vigil speaks, by channel type. */
export const CHANNEL_SPECS: Record<ChannelType, ChannelSpec> = {
  ntfy,
  pagerduty,
  pushover: pushover as ChannelSpec,
  telegram: telegram as ChannelSpec,
  slack,
  teams,
  discord,
  mattermost,
  googlechat,
  gotify,
  webhook,
};

export function specFor(config: ChannelConfig): ChannelSpec {
  return CHANNEL_SPECS[config.type];
}
