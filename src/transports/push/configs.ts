import type { ChannelConfig } from '../../config/schema/channels.js';

export type TelegramChannelConfig = Extract<ChannelConfig, { type: 'telegram' }>;
export type PushoverChannelConfig = Extract<ChannelConfig, { type: 'pushover' }>;
