/**
 * The mail programs Vigil knows (DESIGN.md §1): how to find each, how to call it, whether its
 * exit status means "the relay accepted the message" (tight coupling) or only "queued on this
 * host" (spooling), and where its exit statuses differ from plain sysexits.
 */

// The names are domain vocabulary (config check validates them without loading this adapter).
export { KNOWN_CLIENT_NAMES, isKnownClientName, type KnownClientName } from '../../domain/mail-client-names.js';
import type { KnownClientName } from '../../domain/mail-client-names.js';

/**
 * - tight: the program talks SMTP itself and exits only once the relay answered; exit 0 means
 *   the relay accepted the message.
 * - spooling: exit 0 means the message is in a local queue; a daemon delivers it later — or,
 *   if the daemon is not running, never.
 */
export type Coupling = 'tight' | 'spooling';

/** How the MTA's queue can be listed, to find messages stuck in it. */
export type QueueListing = 'postqueue-json' | 'mailq' | 'none';

/** What an exit status means for one program, where it differs from plain sysexits. */
export type ExitMeaning =
  | 'queued-locally' // the program kept the message locally (OpenSMTPD's offline save)
  | 'ambiguous' // the message was sent but the relay's answer is unknown
  | 'read-reply'; // the SMTP reply on stderr says whether it was temporary or permanent

export interface KnownClient {
  name: KnownClientName;
  /** One line for `vigil mail clients`. */
  summary: string;
  coupling: Coupling;
  /**
   * Programs of its own to look for on PATH, in order. Empty when the client is only reachable
   * as /usr/sbin/sendmail (it is then recognised by `packages` or `realNames`).
   */
  programs: string[];
  /** Debian packages that ship it; owning /usr/sbin/sendmail means the sendmail there is this client. */
  packages: string[];
  /** Base names the /usr/sbin/sendmail symlink chain may end in for this client. */
  realNames: string[];
  /** Understands `--` before the recipients (getopt). Without it, a recipient starting with `-` is refused. */
  endOfOptions: boolean;
  /** The program prints the relay's SMTP reply on stderr (and the reply is worth reading). */
  replyOnStderr: boolean;
  /** Exit statuses whose meaning for this program differs from sysexits. */
  exitMeanings: Partial<Record<number, ExitMeaning>>;
  /** A cheap command whose output names the version; run with a deadline. */
  versionProbe?: { program: string; args: string[]; pattern: RegExp };
  queueListing: QueueListing;
  /** Configuration the program reads, `~` being the home of the account Vigil runs as. */
  configFiles: string[];
}

export const KNOWN_CLIENTS: Readonly<Record<KnownClientName, KnownClient>> = {
  msmtp: {
    name: 'msmtp',
    summary: 'SMTP client without a queue: its exit status is the relay’s answer',
    coupling: 'tight',
    programs: ['msmtp'],
    packages: ['msmtp', 'msmtp-mta'],
    realNames: ['msmtp'],
    endOfOptions: true,
    replyOnStderr: true,
    // Measured (REFERENCE-MAIL.md): a 4xx or 5xx after DATA, and RCPT 450, all exit 69; the
    // reply on stderr tells them apart. No reply after DATA exits 76: the data was sent.
    exitMeanings: { 65: 'read-reply', 69: 'read-reply', 76: 'ambiguous' },
    versionProbe: { program: 'msmtp', args: ['--version'], pattern: /msmtp version (\S+)/ },
    queueListing: 'none',
    configFiles: ['~/.msmtprc', '~/.config/msmtp/config', '/etc/msmtprc'],
  },
  ssmtp: {
    name: 'ssmtp',
    summary: 'SMTP client without a queue: its exit status is the relay’s answer (unmaintained upstream)',
    coupling: 'tight',
    programs: ['ssmtp'],
    packages: ['ssmtp'],
    realNames: ['ssmtp'],
    // ssmtp parses its own options and does not know `--`.
    endOfOptions: false,
    replyOnStderr: true,
    // ssmtp exits 1 for every failure; the reply it prints is the only way to tell them apart.
    exitMeanings: { 1: 'read-reply' },
    queueListing: 'none',
    configFiles: ['/etc/ssmtp/ssmtp.conf'],
  },
  postfix: {
    name: 'postfix',
    summary: 'MTA with a durable queue: exit 0 means queued in maildrop, delivered by the daemon',
    coupling: 'spooling',
    programs: [],
    packages: ['postfix'],
    realNames: [],
    endOfOptions: true,
    replyOnStderr: false,
    exitMeanings: {},
    versionProbe: { program: 'postconf', args: ['-h', 'mail_version'], pattern: /^(\d[\w.-]*)/m },
    queueListing: 'postqueue-json',
    configFiles: ['/etc/postfix/main.cf'],
  },
  exim: {
    name: 'exim',
    summary: 'MTA with a queue: exit 0 means queued, delivered by the daemon or a queue runner',
    coupling: 'spooling',
    programs: [],
    packages: ['exim4-daemon-light', 'exim4-daemon-heavy', 'exim4-base', 'exim'],
    realNames: ['exim4', 'exim'],
    endOfOptions: true,
    replyOnStderr: false,
    exitMeanings: {},
    versionProbe: { program: 'exim4', args: ['-bV'], pattern: /Exim version (\S+)/ },
    queueListing: 'mailq',
    configFiles: ['/etc/exim4/update-exim4.conf.conf', '/etc/exim4/exim4.conf.template'],
  },
  opensmtpd: {
    name: 'opensmtpd',
    summary: 'MTA with a queue; when its daemon is down it saves the message offline and exits 75',
    coupling: 'spooling',
    programs: [],
    packages: ['opensmtpd'],
    realNames: ['smtpctl'],
    endOfOptions: true,
    replyOnStderr: false,
    // The offline save already holds the message: retrying would queue a duplicate.
    exitMeanings: { 75: 'queued-locally' },
    queueListing: 'mailq',
    configFiles: ['/etc/smtpd.conf'],
  },
  nullmailer: {
    name: 'nullmailer',
    summary: 'relay-only queue: exit 0 means queued; exits only 0 or 1',
    coupling: 'spooling',
    programs: [],
    packages: ['nullmailer'],
    realNames: ['nullmailer-inject'],
    endOfOptions: true,
    replyOnStderr: false,
    exitMeanings: {},
    queueListing: 'mailq',
    configFiles: ['/etc/nullmailer/remotes', '/etc/nullmailer/me'],
  },
  dma: {
    name: 'dma',
    summary: 'DragonFly Mail Agent, a small spooling relay: exit 0 once spooled',
    coupling: 'spooling',
    programs: [],
    packages: ['dma'],
    realNames: ['dma'],
    endOfOptions: true,
    replyOnStderr: false,
    exitMeanings: {},
    queueListing: 'mailq',
    configFiles: ['/etc/dma/dma.conf', '/etc/dma/auth.conf'],
  },
  sendmail: {
    name: 'sendmail',
    summary: 'classic Sendmail: exit 0 means queued (it delivers in the background)',
    coupling: 'spooling',
    programs: [],
    packages: ['sendmail-bin'],
    realNames: ['sendmail.sendmail', 'sendmail-mta'],
    endOfOptions: true,
    replyOnStderr: false,
    exitMeanings: {},
    queueListing: 'mailq',
    configFiles: ['/etc/mail/sendmail.mc', '/etc/mail/sendmail.cf'],
  },
};

/** The conventional path of the sendmail interface, which many MTAs install or replace. */
export const SENDMAIL_PATH = '/usr/sbin/sendmail';
