import { problemUnder, type Problem } from '../domain/problem.js';
import type { VigilConfig } from './schema/index.js';
import { clientListProblems } from '../domain/interactive-clients.js';

/**
 * `vigil config check` for mail-client delivery. Pure: it reads the validated configuration,
 * not the machine (what is installed is `vigil mail clients`).
 */
export function mailClientProblems(config: VigilConfig): Problem[] {
  const problems: Problem[] = [];
  for (const problem of clientListProblems(config.mail.clientsSupported)) {
    problems.push(problemUnder(['mail', 'clientsSupported'], problem));
  }
  const clientProfiles = Object.entries(config.profiles).filter(([, profile]) => profile.method === 'client');
  for (const [name, profile] of clientProfiles) {
    if (profile.method !== 'client' || !profile.clients) continue;
    for (const problem of clientListProblems(profile.clients)) {
      problems.push(problemUnder(['profiles', name, 'clients'], problem));
    }
  }
  if (config.mail.usingSpooler && clientProfiles.length > 0) {
    problems.push({
      path: ['mail', 'usingSpooler'],
      message:
        'spooling mail programs are allowed: their exit status only means "queued on this host"; Vigil records such messages as queued-locally and reports them when they stay in the local queue longer than mail.stuckAfter',
      severity: 'warning',
    });
  }
  return problems;
}
