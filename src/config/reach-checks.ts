import type { Problem } from '../domain/problem.js';
import type { VigilConfig } from './schema/index.js';
import { activeProfile } from './semantic-checks.js';

/**
 * Whether notifications can reach anyone. A Mail Profile is needed for e-mail only: a push-only
 * vigil.yaml (channels, no profiles:) is valid and its alerts go to the channels. What is worth
 * saying: nobody at all to notify (every alert would be only logged), an address with no profile
 * to mail it through, and a Daily/Weekly summary (e-mail only) that cannot be sent.
 */
export function reachProblems(config: VigilConfig): Problem[] {
  if (activeProfile(config)) return [];
  // An undefined mail.profile, or several profiles and no choice, is reported as an error already.
  if (Object.keys(config.profiles).length > 0) return [];
  const problems: Problem[] = [];
  const lists: Array<{ path: Array<string | number>; entries: readonly string[] | undefined }> = [
    { path: ['notification', 'admins'], entries: config.notification.admins },
    { path: ['notification', 'pager'], entries: config.notification.pager },
    { path: ['notification', 'defaults', 'to'], entries: config.notification.defaults.to },
    ...Object.entries(config.sets).flatMap(([name, set]) => [
      { path: ['sets', name, 'notify', 'to'], entries: set.notify?.to },
      { path: ['sets', name, 'notify', 'pager'], entries: set.notify?.pager },
    ]),
  ];
  let channelNamed = false;
  for (const { path, entries } of lists) {
    entries?.forEach((entry, index) => {
      if (config.channels[entry]) channelNamed = true;
      else if (entry.includes('@')) {
        problems.push({ path: [...path, index], message: `"${entry}" is an e-mail address, but no Mail Profile is configured to send it (add one under profiles:, see docs/configuration.md), so it gets nothing; channels still get the alerts`, severity: 'warning' });
      }
    });
  }
  if (!channelNamed) {
    problems.push({
      path: ['notification'],
      message: `nobody will be notified: there is no Mail Profile (profiles:) and no channel (channels:) named in notification.admins, notification.pager or a set's notify; alerts would only be logged. Add a profile or a channel (docs/channels.md, "Push only, no e-mail")`,
      severity: 'warning',
    });
  }
  for (const key of ['daily', 'weekly'] as const) {
    if (config.admin[key] === undefined) continue;
    problems.push({
      path: ['admin', key],
      message: `the ${key === 'daily' ? 'Daily' : 'Weekly'} summary is sent by e-mail only and needs a Mail Profile (profiles:); with none it is not sent (alerts still go to the channels)`,
      severity: 'warning',
    });
  }
  return problems;
}
