import { z } from 'zod';
import { duration } from './common.js';
import { profile } from './profiles.js';
import { notification } from './notification.js';
import { sets } from './sets.js';
import { admin } from './admin.js';
import { channels } from './channels.js';
import { heartbeat } from './ping.js';
import { consoleSection } from './console.js';
import { vaults } from './vaults.js';
import { databaseSection } from './database.js';
import { fleet } from './fleet.js';

/** The mail clients Vigil knows, in the default order of preference (DESIGN.md §1). */
export const DEFAULT_CLIENTS = ['msmtp', 'ssmtp', 'postfix', 'exim', 'opensmtpd', 'nullmailer', 'dma', 'sendmail'];

const mail = z
  .strictObject({
    profile: z.string().min(1).optional(),
    clientsSupported: z.array(z.string().min(1)).default(DEFAULT_CLIENTS),
    usingSpooler: z.boolean().default(false),
    stuckAfter: duration('1h'),
    /** How often the local MTA queues are read for messages handed to a spooling program. */
    queueWatchEvery: duration('1m').refine((ms) => ms >= 1_000 && ms <= 3_600_000, { error: 'queueWatchEvery must be between 1s and 1h' }),
    /** A credential with a known expiry (OAuth2 client secret) is a warning this long before. */
    warnBeforeExpiry: duration('14d'),
  })
  .prefault({});

/** The durable Outbox: how retries back off and when a message gives up. */
const outbox = z
  .strictObject({
    minBackoff: duration('5m'),
    maxBackoff: duration('4000s'),
    maxAge: duration('5d'),
    /** Messages in flight at once, over all profiles. */
    concurrency: z.number().int().min(1).max(64).default(8),
  })
  .prefault({});

/** Where state lives when vigil.yaml names no dataDir: relative to vigil.yaml. */
export const DEFAULT_DATA_DIR = './var';

export const configSchema = z.strictObject({
  dataDir: z.string().min(1).default(DEFAULT_DATA_DIR),
  /** Host name used in Message-IDs and message texts; defaults to the machine's name. */
  hostname: z
    .string()
    .min(1)
    // It goes into every subject, pager line and header: a NUL or line break there would make
    // every alert fail the header check at enqueue, long after `config check` said "valid".
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), {
      error: (iss) => `${JSON.stringify(iss.input)} contains a control character (NUL, CR, LF, tab…); write the host name alone, e.g. hostname: fileserver.example.com, or remove the key to use the machine's name`,
    })
    .optional(),
  mail,
  profiles: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'profile names use letters, digits, "-", "_" and "."' }), profile).default({}),
  /** Push targets (docs/channels.md); their names are recipients like address-book groups. */
  channels,
  outbox,
  /** The service's own heartbeat to an outside checker (docs/heartbeats.md). */
  heartbeat: heartbeat.optional(),
  notification,
  admin,
  /** Offsite (and named local) vaults of the builtin engine (docs/vaults.md). */
  vaults,
  sets,
  /** The web console, JSON API and /metrics (docs/console.md); absent: none. */
  console: consoleSection,
  /** PostgreSQL shared by a fleet of hosts (docs/fleet.md); absent: SQLite in dataDir. */
  database: databaseSection,
  /** Hosts sharing one store: host-silence detection (docs/fleet.md). */
  fleet,
}).transform((config, ctx) => {
  // A builtin set names its vault; the engine gets the definition with the set (as `vaultTarget`),
  // so every path that hands a set to the engine (runner, CLI) carries it without knowing vaults.
  const resolved: Record<string, (typeof config.sets)[string]> = {};
  for (const [name, set] of Object.entries(config.sets)) {
    if (set.engine !== 'builtin' || set.vault === undefined) {
      resolved[name] = set;
      continue;
    }
    const target = config.vaults[set.vault];
    if (!target && /^[a-z][a-z0-9+.-]*:\/\//i.test(set.vault)) {
      ctx.addIssue({ code: 'custom', path: ['sets', name, 'vault'], message: `define the remote vault under vaults: (with its credentials) and name it here, e.g. vaults: { offsite: { url: ${set.vault}, … } } and vault: offsite` });
    }
    resolved[name] = target ? ({ ...set, vaultTarget: target } as typeof set) : set;
  }
  return { ...config, sets: resolved };
});

export type VigilConfig = z.output<typeof configSchema>;
export type { ProfileConfig, SmtpProfileConfig, MaildirProfileConfig, SmtpServerConfig, GraphProfileConfig } from './profiles.js';
export type { OAuth2Config, SmtpAuthConfig } from './oauth.js';
export type { BackupSetConfig } from './sets.js';
export type { SecretRef } from './common.js';
export type { ChannelConfig } from './channels.js';
export type { PingConfig, HeartbeatConfig } from './ping.js';
export type { ConsoleConfig } from './console.js';
export type { VaultEntryConfig } from './vaults.js';
export type { DatabaseConfig } from './database.js';
export type { FleetConfig } from './fleet.js';
