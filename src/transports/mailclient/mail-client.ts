import type { Coupling, KnownClient, QueueListing } from './catalogue.js';

/**
 * A mail program ready to be called: what the transport runs. Built from the catalogue and
 * detection (selection.ts), or given directly — tests point one at a fixture script.
 */
export interface MailClient {
  /** `msmtp`, `postfix`, … or a test fixture's name. */
  name: string;
  /** Absolute path of the program to execute. */
  path: string;
  /** Where the path leads after symlinks: the key of the one-hand-off-at-a-time lock. */
  realPath?: string;
  coupling: Coupling;
  endOfOptions: boolean;
  replyOnStderr: boolean;
  exitMeanings: KnownClient['exitMeanings'];
  queueListing: QueueListing;
  /** Arguments before Vigil's own (e.g. `-C /etc/vigil/msmtprc`). */
  args?: readonly string[];
  /** Added to the minimal environment (e.g. `MAIL_CONFIG` for a second Postfix instance). */
  env?: Readonly<Record<string, string>>;
}

/** The arguments Vigil passes: `-i` so a lone dot does not end the message, `-f` the envelope sender, `--`, recipients. */
export function sendmailArgs(client: Pick<MailClient, 'args' | 'endOfOptions'>, envelope: { from: string; to: readonly string[] }): string[] {
  return [...(client.args ?? []), '-i', '-f', envelope.from, ...(client.endOfOptions ? ['--'] : []), ...envelope.to];
}

/** A recipient that a program without `--` would read as an option. */
export function optionLikeRecipient(client: Pick<MailClient, 'endOfOptions'>, to: readonly string[]): string | undefined {
  return client.endOfOptions ? undefined : to.find((address) => address.startsWith('-'));
}

/** The environment a mail program sees: enough to find its configuration, nothing of Vigil's. */
export function minimalEnv(base: { HOME?: string; USER?: string }, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    // Messages in English, so stderr can be read.
    LC_ALL: 'C',
    LANG: 'C',
  };
  if (base.HOME) env.HOME = base.HOME;
  if (base.USER) {
    env.USER = base.USER;
    env.LOGNAME = base.USER;
  }
  return { ...env, ...extra };
}
