import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { parseDuration, formatDuration } from '../../config/duration.js';
import { ACTIVITY_KINDS, ACTIVITY_STATUSES, type Activity, type ActivityKind, type ActivityStatus } from '../../domain/activity.js';
import { VigilError } from '../../domain/errors.js';
import { formatBytes } from '../../domain/units.js';
import type { Store } from '../../storage/ports/store.js';
import { openStore } from '../../app/open-store.js';
import { EXIT, type CliContext, type Command } from '../command.js';
import { printJson, printTable, shownTime, truncate } from '../output.js';
import { showsHostColumn, withHostColumn } from '../host-column.js';

/** The store, and `admin.timezone` for the times shown. */
async function withStore<T>(ctx: CliContext, work: (store: Store, timezone: string | undefined) => Promise<T>): Promise<T> {
  const { config } = loadConfig(ctx.configFile);
  const store = await openStore(config, { baseDir: path.dirname(ctx.configFile), env: ctx.env });
  try {
    return await work(store, config.admin.timezone);
  } finally {
    await store.close();
  }
}

export const activityListCommand: Command = {
  name: 'activity',
  summary: 'the activity log: every backup, restore, validation, prune, repair and Admin run with its status (newest first)',
  usage: `[--since 24h] [--set S] [--kind ${ACTIVITY_KINDS.join('|')}] [--status ${ACTIVITY_STATUSES.join('|')}] [--host NAME] [--limit N] [--json]`,
  options: { since: { type: 'string' }, set: { type: 'string' }, kind: { type: 'string' }, status: { type: 'string', multiple: true }, host: { type: 'string' }, limit: { type: 'string' } },
  exitCodes: { 0: 'listed (possibly nothing)', 2: 'usage or configuration error' },
  async run(ctx, { values }) {
    let since: number | undefined;
    if (values.since !== undefined) {
      const ms = parseDuration(String(values.since));
      if (ms === undefined) throw new VigilError('ERR_USAGE', `--since ${String(values.since)}: not a duration`, { hint: 'Write e.g. 30m, 24h or 7d.' });
      since = Date.now() - ms;
    }
    const statuses = ((values.status as string[] | undefined) ?? []).flatMap((s) => s.split(','));
    for (const status of statuses) {
      if (!ACTIVITY_STATUSES.includes(status as ActivityStatus)) {
        throw new VigilError('ERR_USAGE', `--status ${status}: unknown status`, { hint: `Use one of ${ACTIVITY_STATUSES.join(', ')}.` });
      }
    }
    const kind = values.kind === undefined ? undefined : String(values.kind);
    if (kind !== undefined && !ACTIVITY_KINDS.includes(kind as ActivityKind)) {
      throw new VigilError('ERR_USAGE', `--kind ${kind}: unknown kind`, { hint: `Use one of ${ACTIVITY_KINDS.join(', ')}.` });
    }
    const limit = values.limit === undefined ? 200 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new VigilError('ERR_USAGE', `--limit ${String(values.limit)}: give a positive whole number`);
    const { activities, timezone, showHost } = await withStore(ctx, async (store, timezone) => {
      const activities = await store.activity.list({
        ...(since !== undefined ? { since } : {}),
        ...(values.set ? { set: String(values.set) } : {}),
        ...(kind ? { kind: kind as ActivityKind } : {}),
        ...(statuses.length ? { statuses: statuses as ActivityStatus[] } : {}),
        ...(values.host ? { host: String(values.host) } : {}),
        limit,
      });
      return { activities, timezone, showHost: !values.host && (await showsHostColumn(store, activities)) };
    });
    if (ctx.json) printJson(ctx.stdout, activities);
    else if (activities.length === 0) ctx.stdout.write('no activity' + (values.since ? ` in the last ${String(values.since)}` : '') + '\n');
    else
      printTable(
        ctx.stdout,
        ...withHostColumn(showHost, ['ID', 'STARTED', 'KIND', 'SET', 'STATUS', 'TOOK', 'FILES', 'NEW', 'ERR', 'WARN', 'NOTE'], activities, (a) => [
          String(a.id),
          shownTime(a.startedAt, timezone),
          a.kind,
          a.set ?? '-',
          a.status,
          a.endedAt !== null ? formatDuration(a.endedAt - a.startedAt) : '…',
          String(a.counters.files),
          formatBytes(a.counters.bytesNew),
          String(a.counters.errors),
          String(a.counters.warnings),
          truncate(a.firstError ?? (a.trigger === 'manual' ? 'manual run' : ''), 60),
        ]),
      );
    return EXIT.ok;
  },
};

export const activityShowCommand: Command = {
  name: 'activity show',
  summary: 'show one activity with its counters and log',
  usage: 'ID [--json]',
  positionals: true,
  exitCodes: { 0: 'shown', 1: 'no activity with that id', 2: 'usage or configuration error' },
  async run(ctx, { positionals }) {
    const [raw, extra] = positionals;
    const id = Number(raw);
    if (!raw || extra || !Number.isInteger(id) || id < 1) {
      throw new VigilError('ERR_USAGE', 'give exactly one activity id: vigil activity show ID', { hint: 'Ids are listed by `vigil activity`.' });
    }
    return withStore(ctx, async (store, timezone) => {
      const activity = await store.activity.get(id);
      if (!activity) throw new VigilError('ERR_ACTIVITY_NOT_FOUND', `no activity with id ${id}`, { hint: 'List activities with `vigil activity`.' });
      const log = await store.activity.log(id);
      if (ctx.json) {
        printJson(ctx.stdout, { ...activity, log });
        return EXIT.ok;
      }
      describe(ctx, activity, timezone);
      ctx.stdout.write(`\nlog (${log.length} entr${log.length === 1 ? 'y' : 'ies'}${activity.logDropped ? `, ${activity.logDropped} dropped` : ''}):\n`);
      for (const entry of log) ctx.stdout.write(`  ${entry.severity.padEnd(8)} ${entry.message}${entry.path && !entry.message.includes(entry.path) ? `  [${entry.path}]` : ''}\n`);
      return EXIT.ok;
    });
  },
};

function describe(ctx: CliContext, a: Activity, timezone: string | undefined): void {
  const c = a.counters;
  const at = (ms: number | null) => shownTime(ms, timezone);
  const rows: [string, string][] = [
    ['id', String(a.id)],
    ['kind', a.kind],
    ['set', a.set ?? '-'],
    ['engine', a.engine ?? '-'],
    ['status', a.status],
    ['trigger', a.trigger + (a.scheduledFor !== null ? ` (due ${at(a.scheduledFor)})` : '')],
    ['started', at(a.startedAt)],
    ['ended', at(a.endedAt)],
    ['took', a.endedAt !== null ? formatDuration(a.endedAt - a.startedAt) : 'still running'],
    ['files', String(c.files)],
    ['scanned', formatBytes(c.bytesScanned)],
    ['new', formatBytes(c.bytesNew)],
    ['errors', String(c.errors)],
    ['warnings', String(c.warnings)],
    ['snapshot', a.snapshotId ?? '-'],
    ['first error', a.firstError ?? '-'],
  ];
  for (const [k, v] of rows) ctx.stdout.write(`${k.padEnd(12)} ${v}\n`);
}

