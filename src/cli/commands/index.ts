import type { Command } from '../command.js';
import { configCheckCommand } from './config-check.js';
import { configSchemaCommand } from './config-schema.js';
import { initCommand } from './init.js';
import { mailTestCommand } from './mail-test.js';
import { mailClientsCommand } from './mail-clients.js';
import { mailDoctorCommand } from './mail-doctor.js';
import { outboxDeliverCommand, outboxListCommand, outboxRetryCommand, outboxShowCommand } from './outbox.js';
import { quickstartCommand } from './quickstart.js';
import { startCommand } from './start.js';
import { runCommand } from './run.js';
import { activityListCommand, activityShowCommand } from './activity.js';
import { notifyPreviewCommand } from './notify-preview.js';
import { pruneCommand, repairCommand, restoreCommand, snapshotsCommand, verifyCommand } from './vault.js';
import { vaultInitCommand } from './vault-init.js';
import { vaultCopyCommand } from './vault-copy.js';
import { adminDailyCommand, adminWeeklyCommand } from './admin.js';
import { notifyTestCommand } from './notify-test.js';
import { notifyFaultCommand } from './notify-fault.js';
import { channelsCommand } from './channels.js';
import { hostsCommand, hostsForgetCommand } from './hosts.js';
import { databaseMigrateCommand } from './database-migrate.js';
import { serviceInstallCommand, serviceUninstallCommand } from './service.js';
import { pauseCommand, resumeCommand } from './pause.js';
import { consoleCommand, consoleHashPasswordCommand } from './console.js';
import { completionCommand } from './completion.js';
import { manCommand } from './man.js';

/** Every command, in the order `vigil --help` lists them. One line per command. */
export const COMMANDS: Command[] = [
  initCommand,
  configCheckCommand,
  configSchemaCommand,
  mailTestCommand,
  mailClientsCommand,
  mailDoctorCommand,
  outboxListCommand,
  outboxShowCommand,
  outboxRetryCommand,
  outboxDeliverCommand,
  runCommand,
  pauseCommand,
  resumeCommand,
  activityListCommand,
  activityShowCommand,
  notifyPreviewCommand,
  notifyTestCommand,
  notifyFaultCommand,
  channelsCommand,
  hostsCommand,
  hostsForgetCommand,
  databaseMigrateCommand,
  snapshotsCommand,
  restoreCommand,
  verifyCommand,
  pruneCommand,
  repairCommand,
  vaultInitCommand,
  vaultCopyCommand,
  adminDailyCommand,
  adminWeeklyCommand,
  startCommand,
  consoleCommand,
  consoleHashPasswordCommand,
  serviceInstallCommand,
  serviceUninstallCommand,
  quickstartCommand,
  completionCommand(() => COMMANDS),
  manCommand(() => COMMANDS),
];
