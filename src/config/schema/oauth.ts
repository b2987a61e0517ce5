import { z } from 'zod';
import { secretRef } from './common.js';

/** An https URL (token endpoints and APIs are only ever reached over verified TLS). */
export const httpsUrl = (what: string) =>
  z.string().refine(
    (value) => {
      try {
        return new URL(value).protocol === 'https:';
      } catch {
        return false;
      }
    },
    { error: (iss) => `${JSON.stringify(iss.input)} is not an https:// URL; ${what} is only reached over verified TLS` },
  );

/** `2027-06-30` (end of that day, UTC) or a full ISO date-time, parsed to epoch ms. */
export const expiryDate = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const text = value instanceof Date ? value.toISOString() : value;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T23:59:59Z` : text);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a date; write it as 2027-06-30 (the "Expires" column of the app's client secret)` });
    return z.NEVER;
  }
  return ms;
});

const tenant = z.string().min(1, { error: 'tenant is empty; write the directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com' });
const clientId = z.string().min(1, { error: 'clientId is empty; write the application (client) ID of the app registration' });
/** PEM file of a CA to trust for the token endpoint and API, in addition to the system's. */
const caFile = z.string().min(1).optional();

export const microsoftOAuth = z.strictObject({
  provider: z.literal('microsoft'),
  tenant,
  clientId,
  clientSecret: secretRef,
  /** When the client secret expires (Entra admin center → Certificates & secrets → Expires). */
  secretExpires: expiryDate.optional(),
  /** Login host; https://login.microsoftonline.us or https://login.chinacloudapi.cn for national clouds. */
  authority: httpsUrl('the Microsoft authority').default('https://login.microsoftonline.com'),
  /** Exchange Online's resource; change only for a national cloud (e.g. https://outlook.office365.us/.default). */
  scope: z.string().min(1).default('https://outlook.office365.com/.default'),
  caFile,
});

export const googleOAuth = z
  .strictObject({
    provider: z.literal('google'),
    clientId: z.string().min(1).optional(),
    clientSecret: secretRef.optional(),
    refreshToken: secretRef.optional(),
    /** Google Workspace: a service account key (JSON) with domain-wide delegation; acts as auth.user. */
    serviceAccountKeyFile: z.string().min(1).optional(),
    secretExpires: expiryDate.optional(),
    tokenUrl: httpsUrl('the token endpoint').default('https://oauth2.googleapis.com/token'),
    caFile,
  })
  .superRefine((value, ctx) => {
    const refresh = value.clientId !== undefined || value.clientSecret !== undefined || value.refreshToken !== undefined;
    if (value.serviceAccountKeyFile !== undefined && refresh) {
      ctx.addIssue({ code: 'custom', path: ['serviceAccountKeyFile'], message: 'give either serviceAccountKeyFile, or clientId + clientSecret + refreshToken, not both' });
      return;
    }
    if (value.serviceAccountKeyFile !== undefined) return;
    for (const key of ['clientId', 'clientSecret', 'refreshToken'] as const) {
      if (value[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `missing: provider google needs clientId, clientSecret and refreshToken (or serviceAccountKeyFile for a Workspace service account); see docs/gmail.md` });
      }
    }
  });

export const genericOAuth = z
  .strictObject({
    provider: z.literal('generic'),
    tokenUrl: httpsUrl('the token endpoint').optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: secretRef.optional(),
    scope: z.string().min(1).optional(),
    /** A program that prints an access token (bare, or JSON with access_token and expires_in). */
    command: z.array(z.string().min(1)).min(1, { error: 'command needs at least the program to run' }).optional(),
    /** How long a bare token printed by `command` is used. */
    tokenLifetimeSeconds: z.number().int().min(30).max(86_400).default(300),
    secretExpires: expiryDate.optional(),
    caFile,
  })
  .superRefine((value, ctx) => {
    if (value.command !== undefined) {
      if (value.tokenUrl !== undefined) ctx.addIssue({ code: 'custom', path: ['command'], message: 'give either command or tokenUrl, not both' });
      return;
    }
    for (const key of ['tokenUrl', 'clientId', 'clientSecret'] as const) {
      if (value[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'missing: provider generic needs tokenUrl, clientId and clientSecret, or a command that prints a token' });
    }
  });

export const oauth2 = z.discriminatedUnion('provider', [microsoftOAuth, googleOAuth, genericOAuth], {
  error: 'provider must be one of microsoft, google, generic',
});
export type OAuth2Config = z.output<typeof oauth2>;

/** SMTP AUTH: `{ user, pass }` (a password) or `{ user, oauth2 }` (SASL XOAUTH2). */
export const smtpAuth = z
  .strictObject({
    user: z.string().min(1, { error: 'user is empty; write the mailbox to log in as' }),
    pass: secretRef.optional(),
    oauth2: oauth2.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.pass !== undefined && value.oauth2 !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['oauth2'], message: 'give either pass (a password) or oauth2 (tokens), not both' });
    } else if (value.pass === undefined && value.oauth2 === undefined) {
      ctx.addIssue({ code: 'custom', path: ['pass'], message: 'missing: give pass: { env: NAME } for a password, or oauth2: { provider: … } for Microsoft 365 / Gmail (docs/microsoft-365.md, docs/gmail.md)' });
    }
  });
export type SmtpAuthConfig = z.output<typeof smtpAuth>;

/** `method: graph`: Microsoft Graph sendMail as `mailbox`, app-only (Mail.Send). */
export const graphFields = {
  /** The mailbox that sends: user principal name (backup@contoso.com) or user object id. */
  mailbox: z.string().min(1, { error: 'mailbox is empty; write the sending mailbox, e.g. backup@contoso.com' }),
  tenant,
  clientId,
  clientSecret: secretRef,
  secretExpires: expiryDate.optional(),
  authority: httpsUrl('the Microsoft authority').default('https://login.microsoftonline.com'),
  /** API base; https://graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn for national clouds. */
  graphUrl: httpsUrl('Microsoft Graph').default('https://graph.microsoft.com'),
  caFile,
};
