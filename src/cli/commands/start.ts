import path from 'node:path';
import { hostname } from 'node:os';
import { openApp } from '../../app/context.js';
import { borrowed, openServiceStore } from '../../app/open-store.js';
import type { Store } from '../../storage/ports/store.js';
import { ServiceSupervisor } from '../../app/supervisor.js';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { saveLastGoodConfig } from '../../config/last-good.js';
import { createStderrLogger } from '../../app/logger.js';
import { ServiceWatchdog } from '../../app/service-watchdog.js';
import { systemClock } from '../../app/system-clock.js';
import { listenForWakes } from '../../app/service-wake.js';
import { VigilError } from '../../domain/errors.js';
import { DataDirLock } from '../../platform/data-dir-lock.js';
import { startConsole, type ConsoleServer } from '../../console/server.js';
import { EXIT, type Command } from '../command.js';

// A holder that names no pid is a `vigil run` probing for a service (DataDirLock.holder, unnamed): it lets go
// within milliseconds, so look again a few times before refusing to start.
const UNNAMED_HOLDER_TRIES = 10;
const UNNAMED_HOLDER_GAP_MS = 200;

async function acquireDataDir(dataDir: string): Promise<ReturnType<typeof DataDirLock.tryAcquire>> {
  for (let i = 1; ; i++) {
    const taken = DataDirLock.tryAcquire(dataDir, { pid: process.pid, host: hostname(), since: Date.now() });
    if ('lock' in taken || taken.heldBy || i >= UNNAMED_HOLDER_TRIES) return taken;
    await new Promise((resolve) => setTimeout(resolve, UNNAMED_HOLDER_GAP_MS));
  }
}

export const startCommand: Command = {
  name: 'start',
  summary: 'run the service: scheduler, Admin processes, dispatcher; SIGHUP reloads vigil.yaml, SIGTERM stops',
  usage: '[-v]',
  exitCodes: {
    0: 'stopped by SIGTERM or SIGINT',
    1: 'could not start (or restart after a reload)',
    2: 'configuration error, or another service already serves this dataDir (named by its pid)',
  },
  async run(ctx) {
    const first = loadConfig(ctx.configFile);
    const { dataDir } = first.config;
    // Before anything touches the database: two services on one data directory would run every
    // set twice and send every alert twice.
    const taken = await acquireDataDir(dataDir);
    if (!('lock' in taken)) {
      const by = taken.heldBy;
      const who = by ? `pid ${by.pid}${by.host !== hostname() ? ` on ${by.host}` : ''}, running since ${new Date(by.since).toISOString()}` : 'a process that could not be named';
      throw new VigilError('ERR_DATADIR_LOCKED', `another vigil service already serves dataDir ${dataDir} (${who})`, {
        hint: by ? `Stop it first (systemctl stop vigil, or kill ${by.pid}), or give this one another dataDir.` : `Find it with: fuser -v ${dataDir}/service.lock`,
      });
    }
    let store: Store;
    try {
      const log = createStderrLogger({ level: 'info', env: ctx.env });
      store = await openServiceStore(
        { ...first.config, hostname: first.config.hostname ?? hostname() },
        { baseDir: path.dirname(ctx.configFile), env: ctx.env, clock: systemClock, onNote: (line) => log.info(line) },
      );
    } catch (error) {
      taken.lock.release();
      throw error;
    }
    const watchdog = ServiceWatchdog.fromEnvironment(systemClock, createStderrLogger({ level: 'info', env: ctx.env }), ctx.env);
    try {
      // One store for the service's life: a reload reopens the app on it (a changed database: needs a restart).
      const supervisor = new ServiceSupervisor({
        open: (loaded) => {
          const app = openApp({ configFile: ctx.configFile, env: ctx.env, logLevel: ctx.verbose ? 'debug' : 'info', loaded: loaded ?? first, service: true, store: borrowed(store) });
          keepAsLastGood(app.loaded, app.log);
          return app;
        },
        watchdog,
        handleSignals: true,
      });
      const wakes = await listenForWakes(dataDir, () => supervisor.wake(), createStderrLogger({ level: 'info', env: ctx.env }));
      const web = await serveConsole(supervisor);
      await supervisor.stopped;
      await web?.close();
      wakes.close();
      return supervisor.failed ? EXIT.failure : EXIT.ok;
    } finally {
      watchdog.stop();
      await store.close();
      taken.lock.release();
    }
  },
};

/**
 * What the service runs with becomes the configuration `vigil notify fault` falls back to when
 * an edit breaks vigil.yaml (src/config/last-good.ts). Failing to save it costs only that fallback.
 */
function keepAsLastGood(loaded: LoadedConfig, log: { warn(message: string): void }): void {
  try {
    saveLastGoodConfig(loaded);
  } catch (error) {
    log.warn(`could not keep the configuration as the last good one (${(error as Error).message}): a later broken vigil.yaml would also stop the service-failed alert`);
  }
}

/**
 * The web console (console: in vigil.yaml), for the service's whole life: it reads through the
 * app the supervisor runs now, so a reload changes users and tokens without a restart (a changed
 * console.listen needs one). A console that cannot listen is logged; backups go on regardless.
 */
async function serveConsole(supervisor: ServiceSupervisor): Promise<ConsoleServer | undefined> {
  const app = supervisor.current;
  const config = app.loaded.config.console;
  if (!config) return undefined;
  try {
    const server = await startConsole(config, { app: () => supervisor.current, readOnly: false, clock: app.clock });
    app.log.info(`console at ${server.url}`);
    return server;
  } catch (error) {
    app.log.error(`console: ${(error as Error).message}`, { code: error instanceof VigilError ? error.code : 'ERR_CONSOLE_LISTEN' });
    return undefined;
  }
}
