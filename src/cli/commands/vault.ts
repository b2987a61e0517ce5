import path from 'node:path';
import { connectApp, type AppContext } from '../../app/context.js';
import type { EngineLogEntry, EngineOperation, EngineOperationRequest, EngineSetContext } from '../../backup/engine.js';
import { engineFor, type EngineWith } from '../../backup/engine-operations.js';
import { startActivity } from '../../backup/recorded-activity.js';
import type { ActivityKind } from '../../domain/activity.js';
import type { DataSubset } from '../../domain/data-subset.js';
import { exitStatusOf } from '../../domain/activity.js';
import { VigilError } from '../../domain/errors.js';
import { describeStopSignal, onStopSignal } from '../../platform/on-stop-signal.js';
import type { RunStatus } from '../../domain/run-status.js';
import { EXIT, type CliContext, type Command } from '../command.js';
import { isoTime, printJson, printTable } from '../output.js';
import { progressDisplay } from './run.js';

/**
 * The set named on the command line and its engine, known to have `operation` — or a usage
 * error saying that the set's engine cannot do it (`command` sets keep no snapshots Vigil can read).
 */
function setFor<O extends EngineOperation>(app: AppContext, stop: AbortSignal, positionals: string[], command: string, operation: O): { set: EngineOperationRequest; engine: EngineWith<O> } {
  const [name, extra] = positionals;
  if (!name || extra) throw new VigilError('ERR_USAGE', `give exactly one backup set: vigil ${command} SET`, { hint: 'Sets are the keys under sets: in vigil.yaml.' });
  const config = app.loaded.config.sets[name];
  if (!config) throw new VigilError('ERR_SET_UNKNOWN', `no backup set named "${name}"`, { hint: `Defined sets: ${Object.keys(app.loaded.config.sets).join(', ') || 'none'}.` });
  const engine = engineFor(app.engines, name, config, operation, command);
  return { set: { name, config, dataDir: app.loaded.config.dataDir, signal: stop }, engine };
}

/** Runs a vault operation as an activity (verify, prune, restore appear in `vigil activity`). */
async function asActivity<R extends { status: RunStatus; log: EngineLogEntry[] }>(app: AppContext, kind: ActivityKind, set: EngineSetContext, work: () => Promise<R>): Promise<R & { id: number }> {
  const running = await startActivity({ activity: app.store.activity, clock: app.clock, owner: { host: app.hostname, pid: process.pid } }, { kind, set: set.name, engine: set.config.engine, trigger: 'manual' });
  let result: R;
  try {
    result = await work();
  } catch (error) {
    await running.finish({ status: 'failed', log: [{ severity: 'error', message: (error as Error).message }] });
    throw error;
  }
  await running.finish(result);
  return { id: running.id, ...result };
}

/** The app for one command; SIGINT or SIGTERM aborts `stop` (the engine ends its programs, the activity is recorded). */
async function withApp<T>(ctx: CliContext, work: (app: AppContext, stop: AbortSignal) => Promise<T>): Promise<T> {
  const app = await connectApp({ configFile: ctx.configFile, env: ctx.env, logLevel: 'warn' });
  const controller = new AbortController();
  const stopListening = onStopSignal((signal) => controller.abort(`stopped by ${describeStopSignal(signal)}`));
  return work(app, controller.signal).finally(() => {
    stopListening();
    return app.close();
  });
}

function printLog(ctx: CliContext, log: EngineLogEntry[]): void {
  for (const entry of log.filter((e) => e.severity !== 'info').slice(0, 20)) ctx.stdout.write(`  ${entry.severity}: ${entry.message}${entry.path ? ` (${entry.path})` : ''}\n`);
}

export const snapshotsCommand: Command = {
  name: 'snapshots',
  summary: 'list the snapshots of a set, oldest first (builtin and restic sets)',
  usage: 'SET [--json]',
  positionals: true,
  async run(ctx, { positionals }) {
    return withApp(ctx, async (app, stop) => {
      const { set, engine } = setFor(app, stop, positionals, 'snapshots', 'snapshots');
      const snapshots = await engine.snapshots(set);
      const count = (n: number | undefined) => (n === undefined ? '-' : String(n));
      if (ctx.json) printJson(ctx.stdout, snapshots);
      else if (snapshots.length === 0) ctx.stdout.write('no snapshots yet\n');
      else printTable(ctx.stdout, ['ID', 'TIME', 'FILES', 'BYTES', 'ERRORS', 'PATHS'], snapshots.map((s) => [s.shortId, isoTime(Date.parse(s.time)), count(s.files), count(s.bytes), count(s.errors), s.paths.join(' ')]));
      return EXIT.ok;
    });
  },
};

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore a snapshot (default: the latest) into a directory: contents, modes, mtimes, symlinks',
  usage: 'SET --to DIR [--snapshot ID] [--path P]',
  positionals: true,
  options: { to: { type: 'string' }, snapshot: { type: 'string' }, path: { type: 'string' } },
  exitCodes: { 0: 'restored', 1: 'failed', 2: 'usage or configuration error', 3: 'restored with errors (damaged data is named)' },
  async run(ctx, { values, positionals }) {
    if (!values.to) throw new VigilError('ERR_USAGE', 'restore needs --to DIR', { hint: 'Files land at DIR/<original absolute path>.' });
    return withApp(ctx, async (app, stop) => {
      const { set, engine } = setFor(app, stop, positionals, 'restore', 'restore');
      const to = path.resolve(values.to as string);
      const display = ctx.json ? undefined : progressDisplay(ctx, set.name);
      const result = await asActivity(app, 'restore', set, () =>
        engine.restore({ ...set, to, onProgress: (p) => display?.progress(p), ...(values.snapshot ? { snapshot: values.snapshot as string } : {}), ...(values.path ? { path: values.path as string } : {}) }),
      ).finally(() => display?.done());
      if (ctx.json) printJson(ctx.stdout, result);
      else {
        ctx.stdout.write(`restore of ${set.name} into ${to}: ${result.status} (activity ${result.id})\n`);
        printLog(ctx, result.log);
      }
      return exitStatusOf(result.status);
    });
  },
};

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check a set’s vault or repository (restic check for restic sets); --read-data reads back every chunk and sets damaged data aside',
  usage: 'SET [--read-data | --read-data-subset N/T] [--json]',
  positionals: true,
  options: { 'read-data': { type: 'boolean' }, 'read-data-subset': { type: 'string' } },
  exitCodes: { 0: 'the vault is sound', 1: 'the vault could not be read (or the check was stopped)', 2: 'usage or configuration error', 3: 'damage found (the damaged files and snapshots are named) or warnings' },
  async run(ctx, { values, positionals }) {
    return withApp(ctx, async (app, stop) => {
      const subset = values['read-data-subset'] === undefined ? undefined : parseSubset(values['read-data-subset'] as string);
      const { set, engine } = setFor(app, stop, positionals, 'verify', 'verify');
      const readData = Boolean(values['read-data']) || subset !== undefined;
      const display = ctx.json ? undefined : progressDisplay(ctx, set.name);
      const result = await asActivity(app, 'validation', set, () => engine.verify({ ...set, readData, ...(subset ? { readDataSubset: subset } : {}), onProgress: (p) => display?.progress(p) })).finally(() => display?.done());
      if (ctx.json) printJson(ctx.stdout, result);
      else {
        ctx.stdout.write(`verify of ${set.name}${subset ? ` (data of slice ${subset.n}/${subset.of} read)` : readData ? ' (all data read)' : ''}: ${result.status} (activity ${result.id})\n`);
        printLog(ctx, result.log);
      }
      return exitStatusOf(result.status);
    });
  },
};

/** `N/T`, as restic's --read-data-subset: slice N (1…T) of T. */
function parseSubset(text: string): DataSubset {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const n = Number(match?.[1]);
  const of = Number(match?.[2]);
  if (!match || of < 1 || n < 1 || n > of) {
    throw new VigilError('ERR_USAGE', `--read-data-subset ${JSON.stringify(text)}: expected N/T with 1 ≤ N ≤ T (slice N of T)`, { hint: 'For example --read-data-subset 2/4 reads the second quarter of the packs.' });
  }
  return { n, of };
}

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'forget snapshots outside the set’s keep policy and reclaim unreferenced data',
  usage: 'SET [--dry-run] [--allow-root] [--json]',
  positionals: true,
  options: { 'dry-run': { type: 'boolean' }, 'allow-root': { type: 'boolean' } },
  async run(ctx, { values, positionals }) {
    return withApp(ctx, async (app, stop) => {
      const { set, engine } = setFor(app, stop, positionals, 'prune', 'prune');
      const display = ctx.json ? undefined : progressDisplay(ctx, set.name);
      const result = await asActivity(app, 'prune', set, () => engine.prune({ ...set, dryRun: Boolean(values['dry-run']), allowRoot: values['allow-root'] === true, onProgress: (p) => display?.progress(p) })).finally(() => display?.done());
      if (ctx.json) printJson(ctx.stdout, result);
      else {
        ctx.stdout.write(`prune of ${set.name}${values['dry-run'] ? ' (dry run)' : ''}: ${result.status} (activity ${result.id})\n`);
        // The plan: every snapshot of the set, newest first, kept (by which rule) or removed.
        if (values['dry-run']) for (const entry of result.log.filter((e) => e.severity === 'info')) ctx.stdout.write(`  ${entry.message}\n`);
        printLog(ctx, result.log);
      }
      return exitStatusOf(result.status);
    });
  },
};

export const repairCommand: Command = {
  name: 'repair',
  summary: 'rebuild a builtin vault’s index from its packs (every pack read), keeping only intact data; lists the snapshots that cannot be healed',
  usage: 'SET [--json]',
  positionals: true,
  exitCodes: { 0: 'repaired: every snapshot is whole', 1: 'the vault could not be read or written, or the repair was stopped (before the new index is written, nothing is changed)', 2: 'usage or configuration error', 3: 'repaired, but some snapshots cannot be healed (each named)' },
  async run(ctx, { positionals }) {
    return withApp(ctx, async (app, stop) => {
      const { set, engine } = setFor(app, stop, positionals, 'repair', 'repair');
      const display = ctx.json ? undefined : progressDisplay(ctx, set.name);
      const result = await asActivity(app, 'repair', set, () => engine.repair({ ...set, onProgress: (p) => display?.progress(p) })).finally(() => display?.done());
      if (ctx.json) printJson(ctx.stdout, result);
      else {
        ctx.stdout.write(`repair of ${set.name}: ${result.status} (activity ${result.id})\n`);
        printLog(ctx, result.log);
        for (const s of result.unhealable) {
          ctx.stdout.write(`  cannot be healed: snapshot ${s.id.slice(0, 12)} (${s.set}, ${s.time})${s.treeUnreadable ? ': its tree is unreadable' : `: ${s.files.length} files, e.g. ${s.files.slice(0, 3).join(', ')}`}\n`);
        }
      }
      return exitStatusOf(result.status);
    });
  },
};
