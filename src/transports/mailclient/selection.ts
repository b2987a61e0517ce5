import type { Clock } from '../../domain/clock.js';
import type { ErrorCode } from '../../domain/errors.js';
import { isKnownClientName, KNOWN_CLIENTS, type Coupling, type KnownClientName } from './catalogue.js';
import type { Detection, Detector } from './detect.js';
import { interactiveReason } from '../../domain/interactive-clients.js';
import type { MailClient } from './mail-client.js';
import type { ClientChoice, ClientSource } from './mail-client-transport.js';

/** Why a spooling client is skipped by default (the seed: "errors are bound to ensue"). */
export const SPOOLER_RISK =
  'a spooling program exits 0 once the message is in its local queue, which does not mean delivered; if its daemon is not running the message stays there forever. Set mail.usingSpooler: true to allow it (Vigil then watches the queue and reports stuck messages)';

/** One line of `vigil mail clients`. */
export interface SelectionEntry {
  /** As listed in the configuration. */
  name: string;
  position: number;
  status: 'selected' | 'fallback' | 'skipped';
  installed: boolean;
  path?: string;
  realPath?: string;
  version?: string;
  coupling?: Coupling;
  /** How it was found, or why it is skipped. */
  reason: string;
  errorCode?: ErrorCode;
}

export interface Selection {
  entries: SelectionEntry[];
  /** In preference order: the first is used, the others when it fails temporarily. */
  clients: MailClient[];
}

/**
 * Pure: which clients of the preference list are used, in order, and why the others are not.
 * Interactive clients are refused even when installed; spooling clients need usingSpooler.
 */
export function selectClients(preference: readonly string[], detection: Detection, options: { usingSpooler: boolean }): Selection {
  const entries: SelectionEntry[] = [];
  const clients: MailClient[] = [];
  const seen = new Set<string>();
  preference.forEach((name, position) => {
    const skip = (reason: string, extra: Partial<SelectionEntry> = {}) => entries.push({ name, position, status: 'skipped', installed: false, reason, ...extra });
    const interactive = interactiveReason(name);
    if (interactive) return skip(`refused: ${interactive}`, { errorCode: 'ERR_MAILCLIENT_INTERACTIVE' });
    if (!isKnownClientName(name)) return skip('unknown mail client', { errorCode: 'ERR_MAILCLIENT_UNUSABLE' });
    if (seen.has(name)) return skip('listed twice');
    seen.add(name);
    const known = KNOWN_CLIENTS[name];
    const presence = detection.clients.find((c) => c.name === name);
    if (!presence?.installed || !presence.path) return skip(`not installed: ${presence?.note ?? 'not detected'}`, { coupling: known.coupling });
    const found: Partial<SelectionEntry> = {
      installed: true,
      path: presence.path,
      coupling: known.coupling,
      ...(presence.realPath ? { realPath: presence.realPath } : {}),
      ...(presence.version ? { version: presence.version } : {}),
    };
    if (known.coupling === 'spooling' && !options.usingSpooler) return skip(`spooling client skipped: ${SPOOLER_RISK}`, { ...found, errorCode: 'ERR_MAILCLIENT_SPOOLER' });
    // The same program reached twice (msmtp, and /usr/sbin/sendmail linking to it) is used once.
    if (clients.some((c) => (c.realPath ?? c.path) === (presence.realPath ?? presence.path))) return skip(`same program as an earlier client`, found);
    entries.push({ name, position, status: clients.length === 0 ? 'selected' : 'fallback', installed: true, reason: presence.note, ...found });
    clients.push(mailClientFor(name, presence.path, presence.realPath));
  });
  return { entries, clients };
}

/** A known client at a given path, with the catalogue's traits; `extra` adds arguments or environment. */
export function mailClientFor(name: KnownClientName, path: string, realPath?: string, extra: Pick<MailClient, 'args' | 'env'> = {}): MailClient {
  const known = KNOWN_CLIENTS[name];
  return {
    name,
    path,
    ...(realPath ? { realPath } : {}),
    coupling: known.coupling,
    endOfOptions: known.endOfOptions,
    replyOnStderr: known.replyOnStderr,
    exitMeanings: known.exitMeanings,
    queueListing: known.queueListing,
    ...extra,
  };
}

/** Re-detects at most this often, so installing or removing a program is noticed without a restart. */
const DETECTION_TTL_MS = 60_000;

/** The service's ClientSource: detection plus preference, cached for a minute. */
export class DetectedClientSource implements ClientSource {
  private cached: { at: number; choice: ClientChoice } | undefined;

  constructor(
    private readonly detector: Pick<Detector, 'detect'>,
    private readonly preference: readonly string[],
    private readonly options: { usingSpooler: boolean; clock: Clock },
  ) {}

  async choose(signal: AbortSignal): Promise<ClientChoice> {
    const now = this.options.clock.now();
    if (this.cached && now - this.cached.at < DETECTION_TTL_MS && now >= this.cached.at) return this.cached.choice;
    const selection = selectClients(this.preference, await this.detector.detect(signal), this.options);
    const choice: ClientChoice = {
      clients: selection.clients,
      skipped: selection.entries.filter((e) => e.status === 'skipped').map((e) => ({ name: e.name, reason: e.reason })),
    };
    this.cached = { at: now, choice };
    return choice;
  }
}
