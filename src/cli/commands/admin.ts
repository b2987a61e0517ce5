import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildAdmin } from '../../app/admin-wiring.js';
import { connectApp } from '../../app/context.js';
import { previewAdminSummary } from '../../app/previews.js';
import { manualPeriod } from '../../admin/period.js';
import type { SummaryKind } from '../../domain/summary.js';
import { VigilError } from '../../domain/errors.js';
import { EXIT, type CliContext, type Command } from '../command.js';
import { printJson } from '../output.js';

/**
 * `vigil admin daily|weekly`: run an Admin process now (housekeeping, then the summary of the
 * last day or week, enqueued and given one delivery pass), or with --preview print what it
 * would send without sending or recording anything.
 */
function adminCommand(kind: SummaryKind): Command {
  return {
    name: `admin ${kind}`,
    summary:
      kind === 'daily'
        ? 'run the Daily Admin now: summary of the last 24 hours to the admins; --preview prints it instead'
        : 'run the Weekly Admin now: housekeeping, summary of the last 7 days, then vault checks; --preview prints it instead',
    usage: '[--preview] [--html FILE] [--json]',
    options: { preview: { type: 'boolean' }, html: { type: 'string' } },
    exitCodes: { 0: 'summary sent (enqueued; see vigil outbox) or previewed', 1: 'the Admin process failed', 2: 'usage or configuration error' },
    async run(ctx, { values }) {
      const app = await connectApp({ configFile: ctx.configFile, env: ctx.env, logLevel: ctx.verbose ? 'debug' : 'warn' });
      try {
        if (values.preview) {
          const rendered = await previewAdminSummary(app, kind);
          writeHtml(ctx, values.html, rendered.html);
          if (ctx.json) printJson(ctx.stdout, rendered.summary);
          else ctx.stdout.write(rendered.text);
          return EXIT.ok;
        }
        const admin = buildAdmin(app);
        const period = manualPeriod(kind, app.clock.now(), app.loaded.config.admin.timezone);
        // On a shared store the summary is the fleet's (docs/fleet.md).
        const outcome = await (admin.fleet?.process ?? admin.process).run(period, 'manual');
        if (outcome.result !== 'sent') {
          const error = outcome.result === 'failed' ? outcome.error : 'already done';
          if (ctx.json) printJson(ctx.stdout, outcome);
          else ctx.stderr.write(`vigil admin ${kind}: failed: ${error}${outcome.result === 'failed' && outcome.activityId !== null ? ` (vigil activity show ${outcome.activityId})` : ''}\n`);
          return EXIT.failure;
        }
        writeHtml(ctx, values.html, outcome.rendered.html);
        // One delivery pass, as `vigil outbox deliver` does: a person running this wants the mail now.
        const pass = await app.dispatcher.runPass();
        // The weekly vault checks come after the summary, as in the service (their results are in the next weekly summary).
        const checks = kind === 'weekly' ? await admin.process.checkVaults(new AbortController().signal) : [];
        if (ctx.json) printJson(ctx.stdout, { ...outcome, rendered: undefined, summary: outcome.rendered.summary, delivery: pass, checks });
        else {
          const state = (await app.store.outbox.get(outcome.outboxIds[0]!))?.state ?? 'unknown';
          ctx.stdout.write(`${outcome.rendered.summary.subject}\nactivity ${outcome.activityId}; message ${outcome.outboxIds[0]} is ${state} (vigil outbox show ${outcome.outboxIds[0]})\n`);
          for (const c of checks) ctx.stdout.write(`${c.what} ${c.set}: ${c.status}${c.activityId !== null ? ` (vigil activity show ${c.activityId})` : ''}${c.note ? ` — ${c.note}` : ''}\n`);
        }
        return EXIT.ok;
      } finally {
        await app.close();
      }
    },
  };
}

function writeHtml(ctx: CliContext, file: unknown, html: string): void {
  if (file === undefined) return;
  if (typeof file !== 'string' || file === '') throw new VigilError('ERR_USAGE', '--html needs a file name', { hint: 'e.g. --html /tmp/summary.html' });
  const target = path.resolve(file);
  try {
    writeFileSync(target, html);
  } catch (error) {
    throw new VigilError('ERR_USAGE', `--html ${file}: cannot write: ${(error as Error).message}`, { hint: 'Give a path in a writable directory.' });
  }
  if (!ctx.json) ctx.stderr.write(`HTML written to ${target}\n`);
}

export const adminDailyCommand = adminCommand('daily');
export const adminWeeklyCommand = adminCommand('weekly');
