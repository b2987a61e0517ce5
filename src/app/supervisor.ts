import { loadConfig, type LoadedConfig } from '../config/load.js';
import { VigilError } from '../domain/errors.js';
import { onStopSignal } from '../platform/on-stop-signal.js';
import type { AppContext } from './context.js';
import { runService, type ServiceHandle } from './service.js';
import type { ServiceWatchdog } from './service-watchdog.js';

export interface SupervisorOptions {
  /** Opens the app on a configuration (the first one, or a reloaded one). */
  open(loaded?: LoadedConfig): AppContext;
  graceMs?: number;
  /** systemd's READY=1 / WATCHDOG=1 (one per process, across reloads). */
  watchdog?: ServiceWatchdog;
  /** Install SIGTERM/SIGINT/SIGHUP handlers (`vigil start`); a second SIGTERM/SIGINT exits at once (143/130). */
  handleSignals?: boolean;
}

/**
 * `vigil start` over its lifetime: SIGTERM/SIGINT stop the service; SIGHUP reloads vigil.yaml.
 * A reload checks the new file first: if it has problems the service keeps running on the
 * configuration it has and raises a `config-error` service fault (alerted like any critical
 * fault), so a typo never silences Vigil. A good file replaces the service: backups in progress
 * finish first (nothing new starts meanwhile), then the app is reopened on the new configuration.
 */
export class ServiceSupervisor {
  private app: AppContext;
  private service: ServiceHandle;
  private stopping = false;
  /** The service could not be reopened after a reload: `vigil start` exits 1. */
  failed = false;
  private reloading: Promise<void> | undefined;
  private resolveStopped!: () => void;
  /** Resolves once the service has stopped for good (not on a reload). */
  readonly stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));

  constructor(private readonly options: SupervisorOptions) {
    this.app = options.open();
    for (const warning of this.app.loaded.warnings) this.app.log.warn(`${warning.path}: ${warning.message}`);
    // Before the service says "vigil started": a SIGHUP sent on reading that line must find its
    // handler (after, a reload request could kill the process by the signal's default action).
    if (options.handleSignals) this.handleSignals();
    this.service = this.run(this.app);
  }

  private handleSignals(): void {
    const stopListening = onStopSignal(
      (signal) => {
        this.app.log.info(`received ${signal}`);
        void this.stop();
      },
      { onForce: (signal) => this.app.log.warn(`received ${signal} again: exiting without waiting for the stop to finish`) },
    );
    process.on('SIGHUP', () => void this.reload());
    void this.stopped.then(stopListening);
  }

  /** The app the service runs now (a reload replaces it): the console reads through it. */
  get current(): AppContext {
    return this.app;
  }

  /** Stops the service (running backups are stopped, recorded interrupted, retried at the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.service.stop('abort');
    await this.reloading;
    this.resolveStopped();
  }

  /** Another process enqueued messages (see service-wake.ts). */
  wake(): void {
    if (!this.stopping) this.service.wake();
  }

  /** Reloads vigil.yaml; concurrent reloads share one. Never throws: problems are reported. */
  reload(): Promise<void> {
    this.reloading ??= this.reloadOnce().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async reloadOnce(): Promise<void> {
    if (this.stopping) return;
    const { log, loaded } = this.app;
    log.info(`reloading ${loaded.file}`);
    let next: LoadedConfig;
    try {
      next = loadConfig(loaded.file);
    } catch (error) {
      this.reportBadConfig(error);
      return;
    }
    if (next.config.dataDir !== loaded.config.dataDir) {
      this.reportBadConfig(new Error(`dataDir changed from ${loaded.config.dataDir} to ${next.config.dataDir}: moving the database needs a restart (systemctl restart vigil)`));
      return;
    }
    if (JSON.stringify(next.config.database) !== JSON.stringify(loaded.config.database)) {
      this.reportBadConfig(new Error('database changed: connecting the service to another database needs a restart (systemctl restart vigil)'));
      return;
    }
    await this.service.stop('drain');
    if (this.stopping) return;
    try {
      this.app = this.options.open(next);
    } catch (error) {
      // The file passed its check a moment ago; whatever failed now, go back to what worked.
      try {
        this.app = this.options.open(loaded);
      } catch (reopenError) {
        log.error(`reload: cannot reopen the service (${(error as Error).message}; then ${(reopenError as Error).message}); stopping`);
        this.failed = true;
        this.stopping = true;
        this.resolveStopped();
        return;
      }
      this.reportBadConfig(error);
    }
    this.service = this.run(this.app);
    for (const warning of next.warnings) this.app.log.warn(`${warning.path}: ${warning.message}`);
    this.app.log.info(`configuration reloaded from ${next.file}`);
  }

  private run(app: AppContext): ServiceHandle {
    return runService(app, { handleSignals: false, ...(this.options.graceMs !== undefined ? { graceMs: this.options.graceMs } : {}), ...(this.options.watchdog ? { watchdog: this.options.watchdog } : {}) });
  }

  private reportBadConfig(error: unknown): void {
    const message = error instanceof VigilError || error instanceof Error ? error.message : String(error);
    const detail = `${this.app.loaded.file} was not reloaded; Vigil keeps running on the previous configuration. ${firstLines(message)}`;
    this.app.log.error(`reload: ${message}`, { code: 'ERR_CONFIG_INVALID' });
    this.app.events.emit({ kind: 'service.fault', fault: 'config-error', detail, set: null, at: this.app.clock.now() });
  }
}

/** An alert carries the gist, not a hundred lines of problems. */
function firstLines(text: string, count = 4): string {
  const lines = text.split('\n');
  return lines.length <= count ? text : `${lines.slice(0, count).join('\n')}\n… and ${lines.length - count} more (vigil config check)`;
}
