import { userInfo } from 'node:os';
import type { VigilConfig } from '../config/schema/index.js';
import type { ClientProfileConfig } from '../config/schema/profiles.js';
import type { Clock } from '../domain/clock.js';
import type { HandOffStore } from '../storage/ports/hand-off-store.js';
import { Detector } from '../transports/mailclient/detect.js';
import { MailClientTransport } from '../transports/mailclient/mail-client-transport.js';
import { MtaQueueReader } from '../transports/mailclient/mta-queue-reader.js';
import { MtaQueueWatch } from '../transports/mailclient/mta-queue-watch.js';
import { ProgramLocks } from '../transports/mailclient/program-locks.js';
import { ChildProcessRunner } from '../transports/mailclient/program-runner.js';
import { DetectedClientSource } from '../transports/mailclient/selection.js';

/** One runner and one set of program locks per process: one hand-off per program, whatever the profile. */
const runner = new ChildProcessRunner();
const locks = new ProgramLocks();

/** The account the service runs as: its HOME is where msmtp finds ~/.msmtprc. */
export function serviceAccount(env: NodeJS.ProcessEnv = process.env): { HOME?: string; USER?: string } {
  let info: { homedir: string; username: string } | undefined;
  try {
    info = userInfo();
  } catch {
    info = undefined;
  }
  const HOME = env.HOME ?? info?.homedir;
  const USER = info?.username ?? env.USER;
  return { ...(HOME ? { HOME } : {}), ...(USER ? { USER } : {}) };
}

/** The transport of a `method: client` profile (wired from transport-factory.ts). */
export function buildMailClientTransport(
  config: VigilConfig,
  profile: ClientProfileConfig,
  deps: { clock: Clock; handOffs?: HandOffStore; env?: NodeJS.ProcessEnv },
): MailClientTransport {
  const source = new DetectedClientSource(new Detector({ runner }), profile.clients ?? config.mail.clientsSupported, {
    usingSpooler: config.mail.usingSpooler,
    clock: deps.clock,
  });
  return new MailClientTransport({
    source,
    runner,
    locks,
    clock: deps.clock,
    timeoutMs: profile.timeoutSeconds * 1000,
    graceMs: profile.graceSeconds * 1000,
    account: serviceAccount(deps.env),
    ...(deps.handOffs ? { recorder: deps.handOffs } : {}),
  });
}

/** The longest one attempt of a client profile can take (lock wait, runs, kills), for the dispatcher's lease. */
export function mailClientAttemptDeadlineMs(profile: ClientProfileConfig): number {
  return (profile.timeoutSeconds * 2 + profile.graceSeconds * 2 + 2) * 1000 * 3;
}

/** The MTA queue watch, for the service's watchdog loop and `vigil mail doctor`. */
export function buildMtaQueueWatch(config: VigilConfig, deps: { clock: Clock; handOffs: HandOffStore }): MtaQueueWatch {
  return new MtaQueueWatch({
    ledger: deps.handOffs,
    lister: new MtaQueueReader({ runner, lookUpMessageIdsFor: Object.values(config.profiles).map((p) => addressOf(p.from)) }),
    clock: deps.clock,
    stuckAfterMs: config.mail.stuckAfter,
  });
}

function addressOf(mailbox: string): string {
  const match = /<([^>]+)>/.exec(mailbox);
  return (match?.[1] ?? mailbox).trim();
}
