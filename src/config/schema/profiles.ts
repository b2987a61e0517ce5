import { z } from 'zod';
import { address, mailbox } from './common.js';
import { graphFields, smtpAuth } from './oauth.js';
import { expecting } from '../issue-message.js';

const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const addressBook = z
  .record(
    z.string().regex(GROUP_NAME, { error: 'group names use letters, digits, "-", "_" and "."' }),
    z.array(address).min(1, { error: 'a group needs at least one address' }),
  )
  .default({});

const tlsOptions = z.strictObject({
  /** PEM file of a CA to trust in addition to the system's. */
  caFile: z.string().min(1).optional(),
  /** Accept a self-signed or otherwise unverifiable certificate. Off unless the user says so. */
  allowSelfSigned: z.boolean().default(false),
  /** The name to verify the certificate against, when it differs from `host`. */
  servername: z.string().min(1).optional(),
});

export const smtpServer = z
  .strictObject({
    host: z.string().min(1, { error: 'host is empty' }),
    port: z.number({ error: expecting('a number (1–65535)') }).int().min(1, { error: 'port must be between 1 and 65535' }).max(65535, { error: 'port must be between 1 and 65535' }).optional(),
    security: z.enum(['starttls', 'tls', 'none'], { error: 'security must be one of starttls, tls, none' }).default('starttls'),
    auth: smtpAuth.optional(),
    /** With security: none, send the credentials in clear anyway (a trusted network or loopback). */
    allowPlaintextAuth: z.boolean({ error: 'allowPlaintextAuth must be true or false' }).default(false),
    tls: tlsOptions.prefault({}),
  })
  .transform((server) => ({ ...server, port: server.port ?? (server.security === 'tls' ? 465 : 587) }));
export type SmtpServerConfig = z.output<typeof smtpServer>;

const profileCommon = {
  from: mailbox,
  timeoutSeconds: z.number({ error: expecting('a number (at most 3600)') }).positive().max(3600).default(30),
  addressBook,
};

export const smtpProfile = z.strictObject({
  method: z.literal('smtp'),
  ...profileCommon,
  servers: z.array(smtpServer).min(1, { error: 'an smtp profile needs at least one server' }),
  /** SMTP connections kept open to each server (messages are sent over them in parallel). */
  connections: z.number().int().min(1).max(32).default(4),
});

export const clientProfile = z.strictObject({
  method: z.literal('client'),
  ...profileCommon,
  /** This profile's order of preference, instead of mail.clientsSupported. */
  clients: z.array(z.string().min(1)).min(1, { error: 'list at least one client, or leave clients out' }).optional(),
  /** After timeoutSeconds the program gets SIGTERM; this long after, SIGKILL. */
  graceSeconds: z.number({ error: expecting('a number (at most 60)') }).positive().max(60).default(5),
});
export type ClientProfileConfig = z.output<typeof clientProfile>;

export const maildirProfile = z.strictObject({
  method: z.literal('maildir'),
  ...profileCommon,
  /** Defaults to <dataDir>/mailbox. */
  path: z.string().min(1).optional(),
});

/** Microsoft Graph sendMail: the message goes out from an Exchange Online mailbox over HTTPS. */
export const graphProfile = z.strictObject({
  method: z.literal('graph'),
  ...profileCommon,
  ...graphFields,
});

export const profile = z.discriminatedUnion('method', [smtpProfile, clientProfile, maildirProfile, graphProfile], {
  error: 'method must be one of smtp, client, maildir, graph',
});
export type ProfileConfig = z.output<typeof profile>;
export type SmtpProfileConfig = z.output<typeof smtpProfile>;
export type MaildirProfileConfig = z.output<typeof maildirProfile>;
export type GraphProfileConfig = z.output<typeof graphProfile>;
