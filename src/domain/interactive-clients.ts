import { isKnownClientName, KNOWN_CLIENT_NAMES } from './mail-client-names.js';
import type { Problem } from './problem.js';

/**
 * Mail programs made for a person at a terminal. The seed's rule — "only use compatible mail
 * clients known to never display a user interface" — refuses them even when listed: they may
 * open an editor, ask for confirmation or a password, or read a reply from the terminal.
 */
export const INTERACTIVE_CLIENTS: Readonly<Record<string, string>> = {
  mutt: 'mutt is an interactive mail reader: it may open an editor or ask questions on the terminal',
  neomutt: 'neomutt is an interactive mail reader: it may open an editor or ask questions on the terminal',
  mail: '`mail` (mailx) is an interactive program: it reads commands and tilde escapes from its input',
  mailx: 'mailx is an interactive program: it reads commands and tilde escapes from its input',
  'bsd-mailx': 'bsd-mailx is an interactive program: it reads commands and tilde escapes from its input',
  's-nail': 's-nail is an interactive program: it reads commands and tilde escapes from its input',
  alpine: 'alpine is a full-screen mail reader and cannot run without a terminal',
  pine: 'pine is a full-screen mail reader and cannot run without a terminal',
  thunderbird: 'Thunderbird is a desktop application with a graphical interface',
  evolution: 'Evolution is a desktop application with a graphical interface',
};

export function interactiveReason(name: string): string | undefined {
  return INTERACTIVE_CLIENTS[name.toLowerCase()];
}

/**
 * Pure check of a `clientsSupported` list (the global one or a profile's override), each problem
 * at its index in the list: interactive clients are refused with the reason (a warning: they are
 * skipped), unknown names are errors, repeats are warnings.
 */
export function clientListProblems(list: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  list.forEach((name, index) => {
    const reason = interactiveReason(name);
    if (reason) {
      // A warning, not an error: the list still works (the client is skipped), and the service
      // must not refuse to start over it.
      problems.push({
        path: [index],
        severity: 'warning',
        message: `"${name}" will never be used: ${reason}, and Vigil runs unattended (nothing may wait for a person). Use a sendmail-compatible program such as msmtp`,
      });
    } else if (!isKnownClientName(name)) {
      problems.push({ path: [index], severity: 'error', message: `unknown mail client "${name}"; known: ${KNOWN_CLIENT_NAMES.join(', ')}` });
    } else if (seen.has(name)) {
      problems.push({ path: [index], severity: 'warning', message: `"${name}" is listed twice; only the first counts` });
    }
    seen.add(name);
  });
  return problems;
}
