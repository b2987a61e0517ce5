import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { Redactor } from '../config/redact.js';
import { registerSetSecrets } from './set-secrets.js';
import { registerPingSecrets } from './ping-wiring.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { Dispatcher } from '../outbox/dispatcher.js';
import { Outbox } from '../outbox/outbox.js';
import type { Store } from '../storage/ports/store.js';
import { openLocalStore, openStore } from './open-store.js';
import { configuredHostname } from './hostname.js';
import { readSecret } from '../config/secrets.js';
import { VigilError } from '../domain/errors.js';
import { EventBus } from './event-bus.js';
import { createStderrLogger, type LogLevel } from './logger.js';
import { systemClock } from './system-clock.js';
import { ConfiguredTransports } from './transport-factory.js';
import { BackupRunner, defaultIsAlive } from '../backup/runner.js';
import { createEngines } from '../backup/engines/index.js';
import type { BackupEngine } from '../backup/engine.js';
import { subscribeNotifications, type Notifications } from '../notify/subscribe.js';
import type { SystemLog } from '../domain/system-log.js';
import { LoggerProgramSystemLog, RedactingSystemLog } from './system-log.js';
import { TransportDirectSender } from './direct-sender.js';
import { ServiceWaker } from './service-wake.js';
import { makeDirsSync } from '../platform/make-dirs.js';
import { deliveryFingerprints } from './profile-fingerprint.js';
import { OutboxHandOver } from './outbox-hand-over.js';
import { storeFallback } from './spooling-store.js';

/** Everything a command or the service needs, wired once. The only place adapters are chosen. */
export interface AppContext {
  loaded: LoadedConfig;
  store: Store;
  outbox: Outbox;
  dispatcher: Dispatcher;
  transports: ConfiguredTransports;
  events: EventBus;
  redactor: Redactor;
  clock: Clock;
  log: Logger;
  hostname: string;
  /** Backup engines by kind, and the runner that runs sets with them and records the activity. */
  engines: ReadonlyMap<string, BackupEngine>;
  runner: BackupRunner;
  /** Notification: per-set alerts, storms, escalation, faults; the service starts its timers. */
  notifications: Notifications;
  /**
   * Ids of the messages this process enqueued (not kept by the service): `vigil run` delivers
   * them itself when no service runs.
   */
  enqueued: Set<string>;
  close(): Promise<void>;
}

export interface OpenOptions {
  configFile: string;
  clock?: Clock;
  logLevel?: LogLevel;
  env?: NodeJS.ProcessEnv;
  /** Where escalations are written besides mail (default: the `logger` program); lines are redacted first. */
  systemLog?: SystemLog;
  /** A configuration already read and checked (a reload); default: read `configFile`. */
  loaded?: LoadedConfig;
  /** This is the service (`vigil start`); other processes wake it when they enqueue. */
  service?: boolean;
  /** A store already opened (connectApp opens the configured one); closed with the context. */
  store?: Store;
}

/**
 * Opens the configured store (PostgreSQL when `database:` is set: a connection, so async), then
 * wires everything as openApp does. What commands and the service call.
 */
export async function connectApp(options: OpenOptions): Promise<AppContext> {
  const loaded = options.loaded ?? loadConfig(options.configFile);
  const store = options.store ?? (await openStore(loaded.config, { baseDir: path.dirname(options.configFile), ...(options.env ? { env: options.env } : {}) }));
  try {
    return openApp({ ...options, loaded, store });
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Wires everything over `options.store`, or SQLite in dataDir (a configuration without `database:`). */
export function openApp(options: OpenOptions): AppContext {
  const loaded = options.loaded ?? loadConfig(options.configFile);
  const { config } = loaded;
  if (config.database && !options.store) {
    throw new VigilError('ERR_STORE', 'database: is set, and opening PostgreSQL needs a connection', { hint: 'Open the context with connectApp(), which connects first.' });
  }
  const clock = options.clock ?? systemClock;
  const redactor = new Redactor();
  registerSetSecrets(config, redactor, options.env ?? process.env);
  registerPingSecrets(config, redactor, options.env ?? process.env);
  if (config.database?.password) redactor.add(readSecret(config.database.password, 'database.password', options.env ?? process.env));
  const log = createStderrLogger({ level: options.logLevel ?? 'info', redact: (t) => redactor.redact(t), ...(options.env ? { env: options.env } : {}) });
  const hostname = configuredHostname(config);
  // The data directory holds more than SQLite's file (a command set's working directory, the
  // builtin engine's caches, the service's lock): a store elsewhere (PostgreSQL) does not create it.
  if (config.database) ensureDataDir(config.dataDir);
  const store = options.store ?? openLocalStore(config.dataDir);
  const events = new EventBus(log);
  const transports = new ConfiguredTransports({ config, redactor, hostname, clock, handOffs: store.handOffs, ...(options.env ? { env: options.env } : {}) });
  const fingerprints = deliveryFingerprints(config);
  const dispatcher = new Dispatcher({
    store: store.outbox,
    profiles: store.profiles,
    transports,
    clock,
    policy: { minBackoffMs: config.outbox.minBackoff, maxBackoffMs: config.outbox.maxBackoff, maxAgeMs: config.outbox.maxAge },
    concurrency: config.outbox.concurrency,
    // On PostgreSQL a claim is a statement and a round trip: half the slots at once (docs/fleet.md, "Sizing").
    ...(config.database ? { claimWhenFree: Math.ceil(config.outbox.concurrency / 2) } : {}),
    owner: `${hostname}:${process.pid}`,
    host: hostname,
    // A shared store (a PostgreSQL fleet): each host delivers its own messages, and those a gone
    // host handed over that it has the same profile for (docs/fleet.md).
    ...(config.database ? { claims: new OutboxHandOver({ hosts: store.hosts, self: hostname, silentAfterMs: config.fleet.silentAfter, fingerprints, log }) } : {}),
    events,
    log,
  });
  const engines = createEngines();
  const runner = new BackupRunner({
    sets: config.sets,
    dataDir: config.dataDir,
    engines,
    activity: store.activity,
    events,
    clock,
    log,
    owner: { host: hostname, pid: process.pid },
  });
  const enqueued = new Set<string>();
  const waker = options.service ? undefined : new ServiceWaker(config.dataDir);
  const onEnqueued = (ids: string[]) => {
    dispatcher.wake();
    if (!waker) return;
    for (const id of ids) enqueued.add(id);
    waker.poke();
  };
  const outbox = new Outbox({ store: store.outbox, clock, messageIdDomain: messageIdDomain(hostname), host: hostname, fingerprints, onEnqueued, channels: transports.channels, pings: transports.pings });
  const notifications = subscribeNotifications({
    events, config, outbox, store, log, clock, host: hostname, baseDir: path.dirname(options.configFile),
    systemLog: new RedactingSystemLog(options.systemLog ?? new LoggerProgramSystemLog(), (t) => redactor.redact(t)),
    direct: new TransportDirectSender(transports, messageIdDomain(hostname), clock, transports.channels, transports.pings),
    owner: { host: hostname, pid: process.pid },
    isAlive: defaultIsAlive(hostname),
  });
  // The service's PostgreSQL store buffers in a local spool while the database is unreachable
  // (spooling-store.ts): that is a fault alerted at once, directly (the Outbox is spooled too).
  const unlisten = storeFallback(store)?.listen({
    unreachable: (detail) => events.emit({ kind: 'service.fault', fault: 'database-unreachable', detail, set: null, at: clock.now() }),
    note: (line, level) => log[level](line),
    flushed: () => dispatcher.wake(),
    refused: (detail) => events.emit({ kind: 'service.fault', fault: 'database-write-back-failed', detail, set: null, at: clock.now() }),
  });
  return {
    loaded,
    store,
    outbox,
    dispatcher,
    transports,
    events,
    redactor,
    clock,
    log,
    hostname,
    engines,
    runner,
    notifications,
    enqueued,
    async close() {
      unlisten?.();
      notifications.stop();
      await transports.close();
      await events.drain();
      await waker?.settled();
      await store.close();
    },
  };
}

/** Message-IDs need a domain; a bare host name gets `.vigil.invalid` so it is still unique-ish and clearly local. */
export function messageIdDomain(hostname: string): string {
  const clean = hostname.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  return clean.includes('.') ? clean : `${clean}.vigil.invalid`;
}

function ensureDataDir(dataDir: string): void {
  try {
    makeDirsSync(dataDir);
  } catch (error) {
    throw new VigilError('ERR_STORE', `cannot create the data directory ${dataDir}: ${(error as Error).message}`, {
      hint: 'Check dataDir in vigil.yaml: it must be a writable local directory (the service keeps its lock, caches and working files there).',
      cause: error,
    });
  }
}

