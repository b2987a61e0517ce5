import { KNOWN_CLIENTS, isKnownClientName } from './catalogue.js';
import type { Detection } from './detect.js';
import type { MtaQueueListing } from './mta-queue.js';
import type { Selection } from './selection.js';

/** One finding of `vigil mail doctor`; ids are stable so scripts and docs can refer to them. */
export interface DoctorCheck {
  id: string;
  status: 'ok' | 'info' | 'warning' | 'problem';
  message: string;
  hint?: string;
}

export interface DoctorInput {
  profile: { name: string; method: string } | undefined;
  usingSpooler: boolean;
  selection: Selection;
  detection: Detection;
  account: { USER?: string; HOME?: string };
  /** Which of the selected client's configuration files exist (path → exists). */
  configFiles: Array<{ path: string; exists: boolean }>;
  /** The queue of the selected spooling client, when one is in use. */
  queue?: MtaQueueListing;
  stuck: Array<{ outboxId: string; client: string; queueId?: string; handedAt: number; reason: string }>;
}

/** Pure: what mail-client delivery would do now, and a hint for each problem. */
export function doctorChecks(input: DoctorInput): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  if (!input.profile) {
    checks.push({ id: 'MC001', status: 'problem', message: 'no active Mail Profile', hint: 'Set mail.profile, or define exactly one profile.' });
  } else if (input.profile.method !== 'client') {
    checks.push({ id: 'MC001', status: 'info', message: `profile "${input.profile.name}" uses method ${input.profile.method}; mail clients are not used for delivery` });
  } else {
    checks.push({ id: 'MC001', status: 'ok', message: `profile "${input.profile.name}" hands messages to a local mail program` });
  }

  const sendmail = input.detection.sendmail;
  checks.push({
    id: 'MC002',
    status: 'info',
    message: sendmail.exists
      ? `${sendmail.path} is ${sendmail.client ?? 'an unknown program'}${sendmail.realPath && sendmail.realPath !== sendmail.path ? ` (${sendmail.chain.join(' → ')})` : ''}${sendmail.packages.length ? `, package ${sendmail.packages.join(', ')}` : ''}`
      : `there is no ${sendmail.path}`,
  });

  const selected = input.selection.clients[0];
  if (!selected) {
    checks.push({
      id: 'MC010',
      status: 'problem',
      message: 'no usable mail client in the preference list',
      hint: 'Install and configure msmtp (apt-get install msmtp; see docs/mail-clients.md), or set mail.usingSpooler: true to allow an installed MTA.',
    });
  } else {
    const fallbacks = input.selection.clients.slice(1).map((c) => c.name);
    checks.push({
      id: 'MC010',
      status: 'ok',
      message: `selected: ${selected.name} (${selected.path}, ${selected.coupling === 'tight' ? 'tightly coupled' : 'spooling'})${fallbacks.length ? `; then ${fallbacks.join(', ')}` : ''}`,
    });
  }
  for (const entry of input.selection.entries) {
    if (entry.errorCode === 'ERR_MAILCLIENT_INTERACTIVE') {
      checks.push({ id: 'MC011', status: 'warning', message: `${entry.name}: ${entry.reason}`, hint: `Remove ${entry.name} from mail.clientsSupported.` });
    }
    if (entry.errorCode === 'ERR_MAILCLIENT_SPOOLER') {
      checks.push({ id: 'MC012', status: 'info', message: `${entry.name} is installed but skipped: ${entry.reason}` });
    }
  }

  checks.push({ id: 'MC020', status: 'info', message: `the service runs as ${input.account.USER ?? 'an unknown user'} (HOME ${input.account.HOME ?? 'unset'})` });
  if (selected && isKnownClientName(selected.name)) {
    const found = input.configFiles.filter((f) => f.exists).map((f) => f.path);
    const looked = input.configFiles.map((f) => f.path).join(', ');
    if (found.length) checks.push({ id: 'MC021', status: 'ok', message: `${selected.name} will read ${found[0]}` });
    else if (KNOWN_CLIENTS[selected.name].coupling === 'tight') {
      checks.push({
        id: 'MC021',
        status: 'problem',
        message: `${selected.name} has no configuration for this account (looked for ${looked})`,
        hint: `Create ${input.configFiles[0]?.path ?? 'its configuration'} for ${input.account.USER ?? 'the service user'} with mode 600 (docs/mail-clients.md).`,
      });
    } else checks.push({ id: 'MC021', status: 'info', message: `none of ${looked} exists` });
  }

  if (selected?.coupling === 'spooling' || input.queue) {
    if (input.queue && !input.queue.ok) {
      checks.push({ id: 'MC030', status: 'warning', message: `the MTA queue cannot be read: ${input.queue.detail}`, hint: 'Is the mail system running? Check with `postfix status` or `systemctl status`.' });
    } else if (input.queue) {
      checks.push({ id: 'MC030', status: 'ok', message: input.queue.detail });
    }
  }
  for (const stuck of input.stuck) {
    checks.push({
      id: 'MC031',
      status: 'problem',
      message: `message ${stuck.outboxId} has been in the ${stuck.client} queue${stuck.queueId ? ` as ${stuck.queueId}` : ''} since ${new Date(stuck.handedAt).toISOString()}: ${stuck.reason}`,
      hint: 'Start the mail system or fix its relay; `mailq` shows why it waits.',
    });
  }
  return checks;
}
