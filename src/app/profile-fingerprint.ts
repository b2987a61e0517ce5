import { createHash } from 'node:crypto';
import type { ChannelConfig, ProfileConfig, VigilConfig } from '../config/schema/index.js';
import { channelProfile } from '../domain/channel.js';

/**
 * Identifies a profile's delivery settings (not its address book): a verified profile whose
 * servers or credentials references change is no longer verified. The shared Outbox compares it
 * too: a gone host's message goes out only through a profile of the same fingerprint.
 *
 * A hash of the settings as written — servers, ports, security, account, sender, and where each
 * secret is read from (`{ env }`, `{ file }`), never a secret's value (vigil.yaml holds none) —
 * so it can be stored and shown: it cannot be turned back into a credential.
 */
export function profileFingerprint(profile: ProfileConfig): string {
  const { addressBook: _addressBook, ...delivery } = profile;
  return digest(delivery);
}

/** The same for a push channel: its type, endpoint and the references of its secrets. */
export function channelFingerprint(channel: ChannelConfig): string {
  return digest(channel);
}

/**
 * This host's fingerprint of every Mail Profile and channel, by the name its messages are stored
 * under (`office`, `channel:ops`): recorded with each message at enqueue, and what a host offers
 * to deliver a gone host's messages with. Heartbeat pings have none: a ping speaks for the host
 * that sent it, and another host sending it would say a dead host is alive.
 */
export function deliveryFingerprints(config: Pick<VigilConfig, 'profiles' | 'channels'>): Record<string, string> {
  const fingerprints: Record<string, string> = {};
  for (const [name, profile] of Object.entries(config.profiles)) fingerprints[name] = profileFingerprint(profile);
  for (const [name, channel] of Object.entries(config.channels)) fingerprints[channelProfile(name)] = channelFingerprint(channel);
  return fingerprints;
}

function digest(settings: unknown): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}
