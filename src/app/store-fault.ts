import { statfsSync } from 'node:fs';
import { configuredHostname } from './hostname.js';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { Redactor } from '../config/redact.js';
import type { ServiceFaultEvent } from '../domain/events.js';
import { isVigilError, VigilError } from '../domain/errors.js';
import type { Logger } from '../domain/logger.js';
import type { SystemLog } from '../domain/system-log.js';
import { formatBytes } from '../domain/units.js';
import { faultOfStoreError } from '../notify/fault-detect.js';
import { FaultNotifier } from '../notify/faults.js';
import { TemplateFiles } from '../notify/template-files.js';
import { messageIdDomain, type AppContext } from './context.js';
import { TransportDirectSender } from './direct-sender.js';
import { systemClock } from './system-clock.js';
import { LoggerProgramSystemLog, RedactingSystemLog } from './system-log.js';
import { ConfiguredTransports } from './transport-factory.js';

// Below this much room SQLite cannot be relied on to write (a WAL frame, its shared-memory
// index): a "disk I/O error" on a disk this full is the disk being full.
const NEARLY_FULL_BYTES = 1024 * 1024;

/** A database error, said as a fault: which one, naming dataDir and the free space of its disk. */
export function describeStoreFault(dataDir: string, error: unknown): Pick<ServiceFaultEvent, 'fault' | 'detail'> | undefined {
  const fault = faultOfStoreError(error);
  if (!fault) return undefined;
  const free = freeBytes(dataDir);
  const full = fault === 'disk-full' || (free !== undefined && free < NEARLY_FULL_BYTES);
  const room = free === undefined ? 'free space unknown' : `${formatBytes(free)} free on its file system`;
  const message = (error as Error).message ?? String(error);
  return {
    fault: full ? 'disk-full' : 'database-unwritable',
    detail: `the database in dataDir ${dataDir} cannot be written${full ? ': the disk is full' : ''} (${room}): ${message}`,
  };
}

function freeBytes(dir: string): number | undefined {
  // The directory may be what is missing: ask its nearest existing ancestor's file system.
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    try {
      const s = statfsSync(current);
      return s.bavail * s.bsize;
    } catch {
      if (path.dirname(current) === current) return undefined;
    }
  }
}

/**
 * Alerts a database fault when the app could not even be opened (a full disk refuses the WAL's
 * shared-memory file): no Outbox, no store — a FaultNotifier of its own that writes the system
 * log and sends directly through the active profile. Never throws; resolves when done.
 */
export async function alertStoreFaultWithoutApp(loaded: LoadedConfig, event: Pick<ServiceFaultEvent, 'fault' | 'detail'>, deps: { log: Logger; env?: NodeJS.ProcessEnv; systemLog?: SystemLog }): Promise<void> {
  const { config } = loaded;
  const redactor = new Redactor();
  const host = configuredHostname(config);
  const transports = new ConfiguredTransports({ config, redactor, hostname: host, clock: systemClock, ...(deps.env ? { env: deps.env } : {}) });
  const overrides = config.notification.templates;
  const faults = new FaultNotifier({
    config,
    outbox: { enqueueMany: () => Promise.reject(new Error('the database cannot be opened')) },
    direct: new TransportDirectSender(transports, messageIdDomain(host), systemClock),
    systemLog: new RedactingSystemLog(deps.systemLog ?? new LoggerProgramSystemLog(), (t) => redactor.redact(t)),
    templates: new TemplateFiles(overrides === undefined ? undefined : path.resolve(path.dirname(loaded.file), overrides)),
    clock: systemClock,
    log: deps.log,
    host,
  });
  try {
    await faults.handle({ kind: 'service.fault', ...event, set: null, at: systemClock.now() });
  } catch (error) {
    deps.log.error(`the ${event.fault} alert could not be sent: ${(error as Error).message}`);
  } finally {
    await transports.close();
  }
}

/**
 * For a command whose database failed: alerts the fault (directly and to the system log; through
 * the app's notification when the app is open, else on its own) and returns the error to report,
 * naming dataDir and the free space. Undefined when `error` is not a database error.
 */
export async function storeFaultError(loaded: LoadedConfig, error: unknown, app: AppContext | undefined, deps: { log: Logger; env?: NodeJS.ProcessEnv }): Promise<VigilError | undefined> {
  const fault = describeStoreFault(loaded.config.dataDir, isVigilError(error) && error.cause !== undefined ? error.cause : error);
  if (!fault) return undefined;
  if (app) {
    app.events.emit({ kind: 'service.fault', ...fault, set: null, at: app.clock.now() });
    await app.events.drain();
  } else {
    await alertStoreFaultWithoutApp(loaded, fault, deps);
  }
  return new VigilError('ERR_STORE', fault.detail, {
    hint: `Alerted directly to notification.admins and written to the system log. ${fault.fault === 'disk-full' ? 'Free space on that disk' : 'Check the disk and the permissions of dataDir'}, then run again.`,
    cause: error,
  });
}
