import { connectApp, type AppContext } from '../../app/context.js';
import { createStderrLogger } from '../../app/logger.js';
import { storeFaultError } from '../../app/store-fault.js';
import { loadConfig } from '../../config/load.js';
import type { EngineProgress } from '../../backup/engine.js';
import { formatDuration, parseDuration } from '../../config/duration.js';
import { deliverOwnMessages } from '../../app/deliver-own.js';
import { describeOwnDelivery } from '../own-delivery.js';
import { exitStatusOf, type Activity } from '../../domain/activity.js';
import { VigilError } from '../../domain/errors.js';
import { EXIT, type CliContext, type Command } from '../command.js';
import { isoTime, printJson } from '../output.js';
import { formatBytes } from '../../domain/units.js';
import { describeStopSignal, onStopSignal } from '../../platform/on-stop-signal.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run a backup set now, in the foreground, with progress; Ctrl-C stops it (recorded cancelled, not alerted)',
  usage: 'SET [--allow-root] [--wait DURATION] [--json]',
  positionals: true,
  // As root, a builtin vault another account owns is refused: root-owned files would lock that account out.
  options: { wait: { type: 'string' }, 'allow-root': { type: 'boolean' } },
  exitCodes: {
    0: 'completed',
    1: 'failed, incomplete (stopped, timed out) or cancelled (Ctrl-C), or could not run',
    2: 'usage or configuration error (unknown set)',
    3: 'completed with warnings or errors',
  },
  async run(ctx, { values, positionals }) {
    const [set, extra] = positionals;
    if (!set || extra) throw new VigilError('ERR_USAGE', 'give exactly one backup set: vigil run SET', { hint: 'Sets are the keys under sets: in vigil.yaml.' });
    const waitOption = parseWait(values.wait);
    const loaded = loadConfig(ctx.configFile);
    const stderrLog = createStderrLogger({ level: ctx.verbose ? 'debug' : 'warn', env: ctx.env });
    let app: AppContext;
    try {
      app = await connectApp({ configFile: ctx.configFile, env: ctx.env, logLevel: ctx.verbose ? 'debug' : 'warn', loaded });
    } catch (error) {
      // A full disk under dataDir refuses even the opening: say so, and alert around the database.
      throw (await storeFaultError(loaded, error, undefined, { log: stderrLog, env: ctx.env })) ?? error;
    }
    const controller = new AbortController();
    let forceTimer: NodeJS.Timeout | undefined;
    // Ctrl-C is the person at the terminal: the run is `cancelled`, never paged. A SIGTERM (a
    // shutdown, a supervisor) stops it `incomplete`, which is alerted like any interrupted run.
    let cancelledByUser = false;
    // A second signal exits 1 at once (the run's documented status for a stopped run).
    const stopListening = onStopSignal(
      (signal) => {
        cancelledByUser = signal === 'SIGINT';
        controller.abort(`stopped by ${describeStopSignal(signal)}`);
        // An engine stuck in the kernel (a dead NFS mount) may never notice the abort: a stop has a
        // deadline too. The run's record is left running and is closed as incomplete on the next start.
        forceTimer = setTimeout(() => forceExit(ctx, `the engine did not stop within ${STOP_DEADLINE_MS / 1000} s`), STOP_DEADLINE_MS);
        forceTimer.unref();
      },
      { forceExitCode: EXIT.failure, onForce: (signal) => ctx.stderr.write(`vigil run: ${signal} again: exiting without waiting for the engine\n`) },
    );
    const display = ctx.json ? undefined : progressDisplay(ctx, set);
    try {
      const activity = await app.runner
        .run(set, {
          trigger: 'manual',
          signal: controller.signal,
          allowRoot: values['allow-root'] === true,
          cancelledByUser: () => cancelledByUser,
          onStart: (id) => display?.started(id),
          onProgress: (p) => display?.progress(p),
        })
        .catch(async (error: unknown) => {
          throw (await storeFaultError(loaded, error, app, { log: stderrLog, env: ctx.env })) ?? error;
        });
      display?.done();
      const log = await app.store.activity.log(activity.id);
      // No service (cron): deliver this run's alerts before exiting, or they would wait for one.
      await app.events.drain();
      const waitMs = waitOption ?? DEFAULT_WAIT_MS + app.loaded.config.notification.stormWindow;
      const delivery = await deliverOwnMessages(app, [activity.id], waitMs);
      const deliveryLines = describeOwnDelivery(delivery, app.enqueued.size, waitMs);
      if (ctx.json) printJson(ctx.stdout, { ...activity, log, alerts: deliveryLines });
      else {
        printOutcome(ctx, activity, log.filter((e) => e.severity !== 'info').slice(0, 10));
        for (const line of deliveryLines) ctx.stdout.write(`${line}\n`);
      }
      return exitStatusOf(activity.status);
    } finally {
      stopListening();
      clearTimeout(forceTimer);
      await app.close();
    }
  },
};

const STOP_DEADLINE_MS = 30_000;
// How long `vigil run` without a service waits to deliver its alerts (plus notification.stormWindow).
const DEFAULT_WAIT_MS = 60_000;

function parseWait(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined) throw new VigilError('ERR_USAGE', `--wait ${String(value)}: not a duration`, { hint: 'Use e.g. --wait 2m, --wait 30s, or --wait 0 to leave delivery to `vigil outbox deliver`.' });
  return ms;
}

function forceExit(ctx: CliContext, why: string): never {
  ctx.stderr.write(`vigil run: ${why}\n`);
  process.exit(EXIT.failure);
}

function printOutcome(ctx: CliContext, a: Activity, problems: Array<{ severity: string; message: string }>): void {
  const took = a.endedAt !== null ? formatDuration(a.endedAt - a.startedAt) : '-';
  const c = a.counters;
  ctx.stdout.write(`${a.set}: ${a.status} in ${took} — ${c.files} files, ${formatBytes(c.bytesScanned)} scanned, ${formatBytes(c.bytesNew)} new, ${c.errors} error(s), ${c.warnings} warning(s)\n`);
  for (const p of problems) ctx.stdout.write(`  ${p.severity}: ${p.message}\n`);
  if (a.snapshotId) ctx.stdout.write(`snapshot ${a.snapshotId}\n`);
  ctx.stdout.write(`details: vigil activity show ${a.id}\n`);
}

/**
 * A progress bar redrawn in place on a terminal; on anything else (a pipe, the journal) plain
 * timestamped lines, one every few seconds at most.
 */
export function progressDisplay(ctx: CliContext, set: string) {
  const stream = ctx.stderr as NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  const tty = Boolean(stream.isTTY);
  let lastLine = 0;
  let drawn = false;
  const stamp = () => isoTime(Date.now());
  return {
    started(id: number) {
      stream.write(`${tty ? '' : `${stamp()} `}running set ${set} (activity ${id}); Ctrl-C stops it\n`);
    },
    progress(p: EngineProgress) {
      const text = describeProgress(p);
      if (tty) {
        const width = Math.max(20, (stream.columns ?? 80) - 1);
        const bar = p.bytesTotal ? progressBar(p.bytesDone / p.bytesTotal, 20) + ' ' : p.filesTotal ? progressBar(p.filesDone / p.filesTotal, 20) + ' ' : '';
        stream.write(`\r\x1b[K${(bar + text).slice(0, width)}`);
        drawn = true;
      } else if (Date.now() - lastLine >= 5_000) {
        lastLine = Date.now();
        stream.write(`${stamp()} ${text}\n`);
      }
    },
    done() {
      if (tty && drawn) stream.write('\r\x1b[K');
    },
  };
}

function describeProgress(p: EngineProgress): string {
  const parts: string[] = [];
  if (p.filesDone || p.filesTotal) parts.push(`${p.filesDone}${p.filesTotal ? `/${p.filesTotal}` : ''} ${p.unit ?? 'files'}`);
  if (p.bytesDone || p.bytesTotal) parts.push(`${formatBytes(p.bytesDone)}${p.bytesTotal ? `/${formatBytes(p.bytesTotal)}` : ''}`);
  if (p.rate) parts.push(`${formatBytes(p.rate)}/s`);
  if (p.bytesUploaded) parts.push(`${formatBytes(p.bytesUploaded)} uploaded`);
  if (p.etaSeconds !== undefined) parts.push(`${formatDuration(p.etaSeconds * 1000)} left`);
  if (p.currentPath) parts.push(p.currentPath);
  return parts.join('  ') || 'working…';
}

function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(Math.min(1, fraction) * 100)}%`;
}
