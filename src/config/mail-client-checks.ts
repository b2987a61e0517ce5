import type { VigilConfig } from './schema/index.js';
import type { SemanticProblem } from './problems.js';
import { clientListProblems } from '../domain/interactive-clients.js';

/**
 * `vigil config check` for mail-client delivery. Pure: it reads the validated configuration,
 * not the machine (what is installed is `vigil mail clients`).
 */
export function mailClientProblems(config: VigilConfig): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  for (const problem of clientListProblems(config.mail.clientsSupported)) {
    problems.push({ path: ['mail', 'clientsSupported', problem.index], message: problem.message, severity: problem.severity });
  }
  const clientProfiles = Object.entries(config.profiles).filter(([, profile]) => profile.method === 'client');
  for (const [name, profile] of clientProfiles) {
    if (profile.method !== 'client' || !profile.clients) continue;
    for (const problem of clientListProblems(profile.clients)) {
      problems.push({ path: ['profiles', name, 'clients', problem.index], message: problem.message, severity: problem.severity });
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
