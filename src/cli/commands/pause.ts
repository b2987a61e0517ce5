import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { pauseAlerts, pauseLength, resumeAlerts } from '../../app/alert-pauses.js';
import { VigilError } from '../../domain/errors.js';
import type { AlertPause } from '../../storage/ports/alert-pause-store.js';
import { EVERY_SET } from '../../storage/ports/alert-pause-store.js';
import { openStore } from '../../app/open-store.js';
import { EXIT, type CliContext, type Command } from '../command.js';
import { printJson, shownTime } from '../output.js';

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
    const forMs = pauseLength(values.for === undefined ? undefined : String(values.for));
    const store = await openStore(config, { baseDir: path.dirname(ctx.configFile), env: ctx.env });
    try {
      const now = Date.now();
      if (values.list === true) {
        if (positionals.length || forMs !== undefined) throw new VigilError('ERR_USAGE', '--list takes no SET and no --for', { hint: 'vigil pause --list' });
        printPauses(ctx, await store.alertPauses.active(now), timezone);
        return EXIT.ok;
      }
      const { sets, active } = await pauseAlerts(store.alertPauses, config, positionals, now, forMs);
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
      const { sets, suppressed, stillPaused: still } = await resumeAlerts(store.alertPauses, config, positionals, Date.now());
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
