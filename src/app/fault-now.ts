import { configuredHostname } from './hostname.js';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { Redactor } from '../config/redact.js';
import type { ServiceFault } from '../domain/events.js';
import type { MessageRequest } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import { FaultNotifier, type DirectSender } from '../notify/faults.js';
import { TemplateFiles } from '../notify/template-files.js';
import type { EnqueueResult } from '../outbox/outbox.js';
import { connectApp, messageIdDomain, type AppContext } from './context.js';
import { TransportDirectSender } from './direct-sender.js';
import { createStderrLogger } from './logger.js';
import { systemClock } from './system-clock.js';
import { LoggerProgramSystemLog, RedactingSystemLog } from './system-log.js';
import { ConfiguredTransports } from './transport-factory.js';

/** One message of a fault alert and what became of it. */
export interface FaultDelivery {
  kind: string;
  to: string[];
  outcome: DeliveryOutcome | undefined;
  /** Its Outbox id when it was recorded there (undefined: sent around the Outbox). */
  id?: string;
}

export interface FaultNowResult {
  route: 'outbox' | 'direct' | 'nobody';
  deliveries: FaultDelivery[];
  /** Why the Outbox was not used, when it was not. */
  outboxProblem?: string;
}

/**
 * A service-fault alert sent now by a process that is not the service (`vigil notify fault`,
 * run by systemd's OnFailure= when the service has failed). The alert is queued in the Outbox when
 * its database can be opened and written — so it is recorded, and a later service retries it if
 * this attempt is deferred — and delivered at once, each message with an Outbox attempt's
 * deadline. When the database cannot be opened or written, the same messages go directly through
 * the profile's transports (FaultNotifier's own fallback), with the same deadline.
 */
export async function sendFaultNow(options: { loaded: LoadedConfig; env: NodeJS.ProcessEnv; fault: ServiceFault; detail: string }): Promise<FaultNowResult> {
  const { loaded } = options;
  let app: AppContext | undefined;
  let outboxProblem: string | undefined;
  try {
    app = await connectApp({ configFile: loaded.file, loaded, env: options.env, logLevel: 'error' });
  } catch (error) {
    outboxProblem = `the database could not be opened: ${(error as Error).message}`;
  }
  const { config } = loaded;
  const redactor = app?.redactor ?? new Redactor();
  const log = app?.log ?? createStderrLogger({ level: 'error', redact: (t) => redactor.redact(t), env: options.env });
  const clock = app?.clock ?? systemClock;
  const hostname = app?.hostname ?? configuredHostname(config);
  const ownTransports = app ? undefined : new ConfiguredTransports({ config, redactor, hostname, clock, env: options.env });
  const deliveries: FaultDelivery[] = [];
  const direct = new RecordingSender(new TransportDirectSender(app?.transports ?? ownTransports!, messageIdDomain(hostname), clock), deliveries);
  const queued: { request: MessageRequest; result: EnqueueResult }[] = [];
  const outbox = {
    async enqueueMany(requests: MessageRequest[]): Promise<EnqueueResult[]> {
      if (!app) throw new Error(outboxProblem);
      const results = await app.outbox.enqueueMany(requests);
      requests.forEach((request, i) => queued.push({ request, result: results[i]! }));
      return results;
    },
  };
  const overrides = config.notification.templates;
  const notifier = new FaultNotifier({
    config,
    outbox,
    direct,
    systemLog: new RedactingSystemLog(new LoggerProgramSystemLog(), (t) => redactor.redact(t)),
    templates: app?.notifications.templates ?? new TemplateFiles(overrides === undefined ? undefined : path.resolve(path.dirname(loaded.file), overrides)),
    clock,
    log,
    host: hostname,
  });
  try {
    const route = await notifier.handle({ kind: 'service.fault', fault: options.fault, detail: options.detail, set: null, at: clock.now() });
    if (route === 'sent' && app) {
      for (const { request, result } of queued) {
        const id = result.duplicateOf ?? result.id;
        const report = await app.dispatcher.deliverNow(id);
        deliveries.push({ kind: request.kind, to: request.to, outcome: report?.outcome, id });
      }
      return { route: 'outbox', deliveries };
    }
    return { route: route === 'direct' ? 'direct' : 'nobody', deliveries, ...(outboxProblem ? { outboxProblem } : {}) };
  } finally {
    await app?.close();
    await ownTransports?.close();
  }
}

/** The direct sender, keeping what each message came to so the command can say it. */
class RecordingSender implements DirectSender {
  constructor(
    private readonly inner: DirectSender,
    private readonly deliveries: FaultDelivery[],
  ) {}

  async send(request: MessageRequest): Promise<DeliveryOutcome> {
    const outcome = await this.inner.send(request);
    this.deliveries.push({ kind: request.kind, to: request.to, outcome });
    return outcome;
  }
}
