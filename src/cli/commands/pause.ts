import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { parseDuration } from '../../config/duration.js';
import { VigilError } from '../../domain/errors.js';
import type { AlertPause } from '../../storage/ports/alert-pause-store.js';
import { EVERY_SET } from '../../storage/ports/alert-pause-store.js';
import { openStore } from '../../app/open-store.js';
import { EXIT, type CliContext, type Command } from '../command.js';
import { printJson, shownTime } from '../output.js';

/** The sets named on the command line, each checked against the configuration; none: every set. */
function setsOf(positionals: string[], configured: Record<string, unknown>): string[] {
  for (const set of positionals) {
    if (!(set in configured)) {
      throw new VigilError('ERR_SET_UNKNOWN', `no backup set "${set}"`, { hint: `Sets are the keys under sets: in vigil.yaml: ${Object.keys(configured).join(', ') || '(none)'}.` });
    }
  }
  return positionals.length ? positionals : [EVERY_SET];
}

function describePause(p: AlertPause, timezone: string | undefined): string {
  const who = p.set === EVERY_SET ? 'every set' : p.set;
  return `alerts of ${who} paused since ${shownTime(p.since, timezone)} until ${p.until === null ? 'vigil resume' : shownTime(p.until, timezone)}`;
}

function printPauses(ctx: CliContext, pauses: AlertPause[], timezone: string | undefined): void {
  if (ctx.json) printJson(ctx.stdout, pauses);
  else if (pauses.length === 0) ctx.stdout.write('alerts are not paused\n');
  else for (const p of pauses) ctx.stdout.write(`${describePause(p, timezone)}\n`);
}

export const pauseCommand: Command = {
  name: 'pause',
  summary: 'maintenance mode: hold the alerts of some sets (or all) while runs are still recorded; no arguments with --list shows pauses',
  usage: '[--for DURATION] [SET…]   (no SET: every set)\n  vigil pause --list [--json]',
  positionals: true,
  options: { for: { type: 'string' }, list: { type: 'boolean' } },
  exitCodes: { 0: 'paused (or listed)', 2: 'usage or configuration error (unknown set, bad duration)' },
  async run(ctx, { values, positionals }) {
    const { config } = loadConfig(ctx.configFile);
    const timezone = config.admin.timezone;
    let forMs: number | undefined;
    if (values.for !== undefined) {
      forMs = parseDuration(String(values.for));
      if (forMs === undefined || forMs <= 0) throw new VigilError('ERR_USAGE', `--for "${String(values.for)}" is not a duration`, { hint: 'Give a duration such as 30m, 2h or 1d.' });
    }
    const store = await openStore(config, { baseDir: path.dirname(ctx.configFile), env: ctx.env });
    try {
      const now = Date.now();
      if (values.list === true) {
        if (positionals.length || forMs !== undefined) throw new VigilError('ERR_USAGE', '--list takes no SET and no --for', { hint: 'vigil pause --list' });
        printPauses(ctx, await store.alertPauses.active(now), timezone);
        return EXIT.ok;
      }
      const sets = setsOf(positionals, config.sets);
      await store.alertPauses.pause(sets, now, forMs === undefined ? null : now + forMs);
      const active = await store.alertPauses.active(now);
      if (ctx.json) printJson(ctx.stdout, active);
      else {
        for (const p of active.filter((a) => sets.includes(a.set))) ctx.stdout.write(`${describePause(p, timezone)}\n`);
        ctx.stdout.write('backups still run and are recorded; service faults about no paused set still go out\n');
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'end a maintenance pause (vigil pause) and list the alerts it held',
  usage: '[SET…]   (no SET: every pause)',
  positionals: true,
  exitCodes: { 0: 'resumed', 2: 'usage or configuration error (unknown set)' },
  async run(ctx, { positionals }) {
    const { config } = loadConfig(ctx.configFile);
    const timezone = config.admin.timezone;
    const store = await openStore(config, { baseDir: path.dirname(ctx.configFile), env: ctx.env });
    try {
      const sets = setsOf(positionals, config.sets);
      const suppressed = await store.alertPauses.resume(sets);
      const still = await store.alertPauses.active(Date.now());
      if (ctx.json) printJson(ctx.stdout, { suppressed, stillPaused: still });
      else {
        ctx.stdout.write(`alerts resumed for ${sets.includes(EVERY_SET) ? 'every set' : sets.join(', ')}\n`);
        if (suppressed.length === 0) ctx.stdout.write('no alert was held during the pause\n');
        else {
          ctx.stdout.write(`${suppressed.length} alert(s) held during the pause (not sent):\n`);
          for (const s of suppressed) ctx.stdout.write(`  ${shownTime(s.at, timezone)}  ${s.what}\n`);
        }
        for (const p of still) ctx.stdout.write(`still: ${describePause(p, timezone)}\n`);
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
