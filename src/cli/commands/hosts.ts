import path from 'node:path';
import { listHosts } from '../../admin/host-listing.js';
import { openStore, storeExists } from '../../app/open-store.js';
import { loadConfig } from '../../config/load.js';
import { describeHostState } from '../../domain/host-state.js';
import { VigilError } from '../../domain/errors.js';
import { EXIT, type Command } from '../command.js';
import { printJson, printTable, shownTime } from '../output.js';

export const hostsCommand: Command = {
  name: 'hosts',
  summary: 'the hosts sharing this store: state (ok, silent since, stopped), version, last seen, sets; which one leads',
  usage: '[--json]',
  exitCodes: { 0: 'listed (possibly nothing)', 2: 'usage or configuration error' },
  async run(ctx) {
    const { config } = loadConfig(ctx.configFile);
    if (!storeExists(config)) {
      if (ctx.json) printJson(ctx.stdout, []);
      else ctx.stdout.write('no hosts yet: a host is listed once its service (vigil start) has run\n');
      return EXIT.ok;
    }
    const store = await openStore(config, { baseDir: path.dirname(ctx.configFile), env: ctx.env });
    try {
      const now = Date.now();
      const rows = await listHosts(store, now, config.fleet.silentAfter);
      if (ctx.json) {
        printJson(ctx.stdout, rows);
        return EXIT.ok;
      }
      if (rows.length === 0) {
        ctx.stdout.write('no hosts yet: a host is listed once its service (vigil start) has run\n');
        return EXIT.ok;
      }
      const tz = config.admin.timezone;
      printTable(
        ctx.stdout,
        ['HOST', 'STATE', 'VERSION', 'LAST SEEN', 'SETS'],
        rows.map((r) => [
          r.leader ? `${r.name} (leader)` : r.name,
          describeHostState(r.state === 'ok' ? { kind: 'ok' } : { kind: r.state, since: r.since! }, (ms) => shownTime(ms, tz)),
          r.version,
          shownTime(r.lastSeen, tz),
          r.sets.map((s) => s.name).join(', ') || '-',
        ]),
      );
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

export const hostsForgetCommand: Command = {
  name: 'hosts forget',
  summary: 'forget a host that left the fleet (renamed, decommissioned): it is no longer listed nor watched for silence',
  usage: 'NAME',
  positionals: true,
  exitCodes: { 0: 'forgotten', 1: 'no host of that name', 2: 'usage or configuration error' },
  async run(ctx, { positionals }) {
    const [name, ...more] = positionals;
    if (!name || more.length) throw new VigilError('ERR_USAGE', 'vigil hosts forget takes one host name', { hint: 'Run vigil hosts to see their names.' });
    const { config } = loadConfig(ctx.configFile);
    if (!storeExists(config)) {
      ctx.stderr.write(`no host named ${name}: this data directory has no store yet\n`);
      return EXIT.failure;
    }
    const store = await openStore(config, { baseDir: path.dirname(ctx.configFile), env: ctx.env });
    try {
      if (!(await store.hosts.forget(name))) {
        ctx.stderr.write(`no host named ${name} (vigil hosts lists them)\n`);
        return EXIT.failure;
      }
      ctx.stdout.write(`forgot host ${name}; if its service still runs, it registers again within seconds\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
