import { realpathSync } from 'node:fs';
import path from 'node:path';
import { VigilError } from '../../domain/errors.js';
import { applyPlan } from '../../platform/service/apply.js';
import { installPlan, uninstallPlan, type ServiceAction } from '../../platform/service/plan.js';
import { EXIT, type CliContext, type Command } from '../command.js';
import { printJson } from '../output.js';

const OPTIONS = {
  'dry-run': { type: 'boolean' },
  root: { type: 'string' },
  user: { type: 'string' },
} as const;

const EXITS = { 0: 'done (or, with --dry-run, planned)', 1: 'a step failed (the message names it); run again once fixed', 2: 'usage error, or the existing configuration is invalid' };

export const serviceInstallCommand: Command = {
  name: 'service install',
  summary: 'install Vigil as a systemd service: account, /etc/vigil/vigil.yaml, /var/lib/vigil, units',
  usage: '[--dry-run] [--root DIR] [--user NAME]   (docs/install.md)',
  options: OPTIONS,
  exitCodes: EXITS,
  async run(ctx, { values }) {
    const options = serviceOptions(values);
    const command = thisInstallation();
    // From a source checkout the entry point is TypeScript, which node cannot run by itself.
    if (command[1]!.endsWith('.ts')) ctx.stderr.write(`warning: ${command[1]} is the source; the unit needs an installed package (npm pack, then npm install -g): docs/install.md\n`);
    const actions = installPlan({ ...options, command });
    const code = carryOut(ctx, actions, options);
    if (code === EXIT.ok && !values['dry-run'] && !ctx.json) {
      ctx.stdout.write(`next: edit ${path.join(options.root, '/etc/vigil/vigil.yaml')}, then\n  sudo -u ${options.user} VIGIL_CONFIG=/etc/vigil/vigil.yaml vigil config check --service\n  sudo systemctl enable --now vigil\n`);
    }
    return code;
  },
};

export const serviceUninstallCommand: Command = {
  name: 'service uninstall',
  summary: 'stop and remove the systemd units (keeps the configuration, the data and the account)',
  usage: '[--dry-run] [--root DIR] [--user NAME]',
  options: OPTIONS,
  exitCodes: EXITS,
  async run(ctx, { values }) {
    const options = serviceOptions(values);
    return carryOut(ctx, uninstallPlan({ ...options, command: thisInstallation() }), options);
  },
};

interface ServiceOptions {
  root: string;
  user: string;
  dryRun: boolean;
}

function serviceOptions(values: Record<string, unknown>): ServiceOptions {
  const root = path.resolve(typeof values.root === 'string' ? values.root : '/');
  const user = typeof values.user === 'string' ? values.user : 'vigil';
  // The name ends up in useradd's argv and in User= lines: keep it to what useradd accepts.
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) {
    throw new VigilError('ERR_USAGE', `--user "${user}" is not a valid account name`, { hint: 'Use lower-case letters, digits, "_" and "-", starting with a letter or "_" (at most 32).' });
  }
  const dryRun = values['dry-run'] === true;
  if (!dryRun && root === '/' && process.getuid?.() !== 0) {
    throw new VigilError('ERR_USAGE', 'installing into / needs root (it creates an account and writes /etc)', { hint: 'Run it with sudo, or look first with --dry-run.' });
  }
  return { root, user, dryRun };
}

function carryOut(ctx: CliContext, actions: ServiceAction[], options: ServiceOptions): number {
  const reports = applyPlan(actions, options);
  if (ctx.json) {
    printJson(ctx.stdout, reports.map(({ action, status, line }) => ({ status, line, ...action, ...('content' in action ? { content: undefined } : {}) })));
  } else {
    for (const report of reports) ctx.stdout.write(`${report.status.padEnd(7)} ${report.line}\n`);
  }
  return EXIT.ok;
}

/**
 * The argv that runs this very installation: the real node binary and the real path of the
 * CLI's entry point (symlinks of a global npm install resolved), so the unit keeps working
 * whatever PATH the service gets.
 */
function thisInstallation(): string[] {
  const entry = process.argv[1];
  if (!entry) throw new VigilError('ERR_USAGE', 'cannot tell where this vigil is installed (no script path)', { hint: 'Run the installed `vigil` command.' });
  return [realpathSync(process.execPath), realpathSync(entry)];
}
