import type { KeyPath, Problem } from '../domain/problem.js';
import type { ProfileConfig, VigilConfig } from './schema/index.js';
import { isValidAddress } from '../domain/address.js';
import { setScheduleProblems, storeInsidePathsProblems } from './set-checks.js';
import { mailClientProblems } from './mail-client-checks.js';
import { channelProblems } from './channel-checks.js';
import { pingProblems } from './ping-checks.js';

/** The profile notifications use: `mail.profile`, or the only profile there is. */
export function activeProfileName(config: VigilConfig): string | undefined {
  if (config.mail.profile) return config.mail.profile;
  const names = Object.keys(config.profiles);
  return names.length === 1 ? names[0] : undefined;
}

/** The active profile with its name, or undefined when there is none (or it is not defined). */
export function activeProfile(config: VigilConfig): { name: string; profile: ProfileConfig } | undefined {
  const name = activeProfileName(config);
  const profile = name === undefined ? undefined : config.profiles[name];
  return name !== undefined && profile ? { name, profile } : undefined;
}

/**
 * Checks that need the whole validated file: references between sections. Pure — checks that
 * touch the machine (secrets readable, files present) are in environment-checks.ts.
 */
export function semanticProblems(config: VigilConfig): Problem[] {
  const problems: Problem[] = [];
  const names = Object.keys(config.profiles);

  if (config.mail.profile && !config.profiles[config.mail.profile]) {
    problems.push({
      path: ['mail', 'profile'],
      message: `no profile named "${config.mail.profile}"; defined: ${names.join(', ') || 'none'}`,
      severity: 'error',
    });
  }
  if (!config.mail.profile && names.length > 1) {
    problems.push({ path: ['mail'], message: `several profiles are defined (${names.join(', ')}): choose one with mail.profile`, severity: 'error' });
  }

  const profileName = activeProfileName(config);
  const groups = new Set(Object.keys((profileName && config.profiles[profileName]?.addressBook) || {}));
  const checkRecipients = (list: readonly string[] | undefined, path: KeyPath, channelsAllowed = true) => {
    list?.forEach((entry, index) => {
      if (entry.includes('@')) {
        if (!isValidAddress(entry)) problems.push({ path: [...path, index], message: `"${entry}" is not a valid e-mail address`, severity: 'error' });
      } else if (!groups.has(entry) && !(channelsAllowed && config.channels[entry])) {
        problems.push({
          path: [...path, index],
          message: `"${entry}" is neither an address nor a group in the address book of profile "${profileName ?? '?'}" (groups: ${[...groups].join(', ') || 'none'})${channelsAllowed ? ` nor a channel (${Object.keys(config.channels).join(', ') || 'none'})` : ''}`,
          severity: 'error',
        });
      }
    });
  };
  checkRecipients(config.notification.admins, ['notification', 'admins']);
  checkRecipients(config.notification.pager, ['notification', 'pager']);
  checkRecipients(config.notification.defaults.to, ['notification', 'defaults', 'to']);
  // Summaries are e-mail only: a channel would get a 3 MB HTML report.
  checkRecipients(config.admin.to, ['admin', 'to'], false);
  for (const [name, set] of Object.entries(config.sets)) {
    checkRecipients(set.notify?.to, ['sets', name, 'notify', 'to']);
    checkRecipients(set.notify?.pager, ['sets', name, 'notify', 'pager']);
  }

  for (const [name, profile] of Object.entries(config.profiles)) {
    if (profile.method !== 'smtp') continue;
    profile.servers.forEach((server, index) => {
      if (server.auth && server.security === 'none' && !server.allowPlaintextAuth) {
        // The transport refuses too (ERR_SMTP_PLAINTEXT_AUTH); saying so here keeps a profile
        // that could never authenticate from being started at all.
        problems.push({
          path: ['profiles', name, 'servers', index, 'auth'],
          message:
            'with security: none the credentials would cross the network unencrypted, so Vigil will not send them; use security: starttls (port 587) or tls (port 465), or, only on a trusted network, set allowPlaintextAuth: true on this server',
          severity: 'error',
        });
      }
      if (server.tls.allowSelfSigned) {
        problems.push({
          path: ['profiles', name, 'servers', index, 'tls', 'allowSelfSigned'],
          message: 'the server certificate is not verified; prefer tls.caFile with the server’s CA',
          severity: 'warning',
        });
      }
    });
  }
  problems.push(...setScheduleProblems(config), ...storeInsidePathsProblems(config));
  if (config.outbox.minBackoff > config.outbox.maxBackoff) {
    problems.push({ path: ['outbox', 'minBackoff'], message: 'is longer than outbox.maxBackoff', severity: 'error' });
  }
  problems.push(...mailClientProblems(config));
  problems.push(...channelProblems(config, groups));
  problems.push(...pingProblems(config));
  return problems;
}
