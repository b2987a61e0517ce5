import path from 'node:path';
import { hostname } from 'node:os';
import { databaseConnection } from '../../app/database-connection.js';
import { loadConfig } from '../../config/load.js';
import { databaseUrlProblem } from '../../config/schema/database.js';
import { VigilError } from '../../domain/errors.js';
import { DataDirLock } from '../../platform/data-dir-lock.js';
import { storeExists } from '../../app/open-store.js';
import { copyLocalStoreToPostgres } from '../../app/copy-sqlite-to-postgres.js';
import { configuredHostname } from '../../app/hostname.js';
import { redactUrl } from '../../storage/postgres/database.js';
import { EXIT, type Command } from '../command.js';
import { printJson, printTable } from '../output.js';

export const databaseMigrateCommand: Command = {
  name: 'database migrate',
  summary: 'copy this host’s SQLite store (every table) into an empty PostgreSQL database and verify the counts',
  usage: '--to postgres://ROLE@HOST:5432/DATABASE   (password and TLS from database: in vigil.yaml, if set)',
  options: { to: { type: 'string' } },
  exitCodes: { 0: 'copied and verified', 1: 'not copied (nothing was written): the database is not empty, not reachable, or the service is running', 2: 'usage or configuration error' },
  async run(ctx, { values }) {
    const { config } = loadConfig(ctx.configFile);
    const to = typeof values.to === 'string' ? values.to : undefined;
    if (!to) throw new VigilError('ERR_USAGE', 'vigil database migrate needs --to postgres://ROLE@HOST:5432/DATABASE', { hint: 'Create the role and the database first (docs/fleet.md, "Database").' });
    const problem = databaseUrlProblem(to);
    if (problem) throw new VigilError('ERR_USAGE', `--to: ${problem}`);
    const dataDir = path.resolve(path.dirname(ctx.configFile), config.dataDir);
    if (!storeExists({ dataDir })) {
      throw new VigilError('ERR_STORE', `no SQLite store in ${dataDir} to copy`, { hint: 'Run it on the host whose dataDir holds vigil.db, with its vigil.yaml.' });
    }
    // The service writes to the SQLite store while it runs: what it wrote after the copy would be lost.
    const taken = DataDirLock.tryAcquire(dataDir, { pid: process.pid, host: hostname(), since: Date.now() });
    if (!('lock' in taken)) {
      ctx.stderr.write(`the service is running on ${dataDir}${taken.heldBy ? ` (pid ${taken.heldBy.pid})` : ''}: stop it first (systemctl stop vigil)\n`);
      return EXIT.failure;
    }
    const connection = databaseConnection({ ...config.database, url: to }, path.dirname(ctx.configFile), ctx.env);
    try {
      // Progress goes to stderr: stdout stays the report (and valid JSON with --json).
      const copied = await copyLocalStoreToPostgres(dataDir, connection, configuredHostname(config), (line) => ctx.stderr.write(`${line}\n`));
      const total = copied.reduce((sum, t) => sum + t.rows, 0);
      if (ctx.json) printJson(ctx.stdout, { to: redactUrl(to), tables: copied, rows: total });
      else {
        printTable(ctx.stdout, ['TABLE', 'ROWS'], copied.map((t) => [t.table, String(t.rows)]));
        ctx.stdout.write(`copied ${total} rows of ${copied.length} tables into ${redactUrl(to)}; the counts match.\n`);
        ctx.stdout.write(`Next: set database: { url: ${redactUrl(to)} } in ${ctx.configFile} (password and tls as docs/fleet.md says), then start the service.\n`);
      }
      return EXIT.ok;
    } finally {
      taken.lock.release();
    }
  },
};
