import type { VigilConfig } from '../config/schema/index.js';
import { activeProfile } from '../config/semantic-checks.js';
import { resolveRecipients } from '../domain/recipients.js';
import { channelsNamed, notChannels } from './channel-requests.js';

/** Who a notification reaches: e-mail (through the active Mail Profile) and push channels. */
export interface NotifyTargets {
  /** The Mail Profile that mails `mail` and `pager`; undefined in a push-only configuration. */
  mailVia: { profile: string; from: string } | undefined;
  /** Addresses of the full message. */
  mail: string[];
  /** Addresses of the short (pager) form. */
  pager: string[];
  /** Channels named in either list, in order, each once. */
  channels: string[];
  /** Entries that reach nobody, each with why (to log). */
  unreachable: string[];
}

/**
 * The one place recipients as users write them (address-book groups, addresses, channel names)
 * become mail addresses and channels. A Mail Profile is needed for e-mail only: with none (a
 * push-only vigil.yaml) the channels are still reached — every notifier asks here rather than
 * returning early on a missing profile, which silently dropped every alert of a push-only setup.
 */
export function notifyTargets(config: VigilConfig, wanted: { mail: readonly string[]; pager: readonly string[] }): NotifyTargets {
  const active = activeProfile(config);
  const channels = channelsNamed(config, [...wanted.mail, ...wanted.pager]);
  if (!active) {
    const needMail = [...new Set([...wanted.mail, ...wanted.pager])].filter((e) => !channels.includes(e));
    return { mailVia: undefined, mail: [], pager: [], channels, unreachable: needMail.map((e) => `"${e}" needs a Mail Profile, and none is configured (profiles: in vigil.yaml)`) };
  }
  const book = active.profile.addressBook ?? {};
  const mail = resolveRecipients(wanted.mail, book);
  const pager = resolveRecipients(wanted.pager, book);
  const unknown = [...new Set(notChannels(config, [...mail.unknown, ...pager.unknown]))];
  return {
    mailVia: { profile: active.name, from: active.profile.from },
    mail: mail.addresses,
    pager: pager.addresses,
    channels,
    unreachable: unknown.map((e) => `"${e}" is not in the address book of profile ${active.name}`),
  };
}

/** Whether the targets reach anyone at all. */
export function reachesAnyone(t: Pick<NotifyTargets, 'mail' | 'pager' | 'channels'>): boolean {
  return t.mail.length + t.pager.length + t.channels.length > 0;
}
