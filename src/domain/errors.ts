/**
 * The one registry of Vigil's error codes. A code is never reused or renamed: scripts and docs
 * depend on it. Every code is documented in docs/errors.md (a test keeps the two in sync).
 */
export const ERROR_CODES = {
  ERR_USAGE: 'The command line is wrong: unknown command, missing or bad argument.',
  ERR_CONFIG_NOT_FOUND: 'No configuration file at the given or default path.',
  ERR_CONFIG_INVALID: 'The configuration file has problems; each is listed as file:line: key: message.',
  ERR_CONFIG_FILE: 'The configuration path is not a regular file (a FIFO, device or directory) or is larger than 1 MiB.',
  ERR_SECRET_UNREADABLE: 'A secret given as { env } or { file } could not be read.',
  ERR_PROFILE_UNKNOWN: 'A Mail Profile was named that the configuration does not define.',
  ERR_PROFILE_PAUSED: 'The profile is paused after its credentials or TLS set-up were refused.',
  ERR_HEADER_INJECTION: 'A header value, subject or address contains CR, LF or another control character.',
  ERR_ADDRESS_INVALID: 'An e-mail address is not valid.',
  ERR_RECIPIENTS_EMPTY: 'A message has no recipient.',
  ERR_STORE: 'The database could not be opened, migrated or written.',
  ERR_OUTBOX_NOT_FOUND: 'No message in the Outbox has that id.',
  ERR_OUTBOX_STATE: 'The message is in a state that does not allow the operation.',
  ERR_SMTP_CONNECT: 'The SMTP server could not be reached, or the connection was lost before the message was sent.',
  ERR_SMTP_TIMEOUT: 'The SMTP attempt did not finish within timeoutSeconds.',
  ERR_SMTP_NO_CONNECTION_FREE: 'Every connection to the SMTP server stayed busy with other messages for as long as a message waits for one: not tried, due again at once.',
  ERR_SMTP_TLS: 'TLS failed: certificate not trusted, name mismatch, or STARTTLS not offered.',
  ERR_SMTP_AUTH: 'The SMTP server refused the credentials or requires authentication.',
  ERR_SMTP_PLAINTEXT_AUTH: 'Vigil refused to send SMTP credentials over an unencrypted connection (security: none without allowPlaintextAuth: true).',
  ERR_SMTP_POLICY: 'The SMTP server refused the message for a policy or security reason (5.7.x).',
  ERR_SMTP_DEFERRED: 'The SMTP server answered with a temporary (4xx) failure.',
  ERR_SMTP_REJECTED: 'The SMTP server permanently (5xx) refused the message or its recipients.',
  ERR_SMTP_AMBIGUOUS: 'The connection was lost after the message data was sent: it may have been delivered.',
  ERR_MAILDIR_WRITE: 'The message could not be written into the Maildir.',
  ERR_DELIVERY_EXPIRED: 'The message could not be delivered within the Outbox maxAge.',
  ERR_VAULT_NOT_FOUND: 'The engine found no vault or repository (or no snapshot) where it was told to look, or could not read its list of snapshots.',
  ERR_VAULT_CORRUPT: 'A vault file is missing, truncated or fails its checksum or authentication; the message names the file.',
  ERR_VAULT_PASSPHRASE: 'The vault is encrypted and the passphrase is missing or wrong.',
  ERR_VAULT_LOCKED: 'Another process holds a conflicting lock on the vault and did not release it before the deadline.',
  ERR_VAULT_WRITE: 'The vault could not be written: disk full, read-only, or permission denied; the message names the path.',
  ERR_VAULT_EXISTS: '`vigil vault init` was asked to create a vault where one already is.',
  ERR_VAULT_PERMISSION: 'A vault file or directory cannot be read or written by the account Vigil runs as; the message names its owner and mode, and the account.',
  ERR_VAULT_OWNER: 'Vigil runs as root and the vault belongs to another account: files root writes would lock that account out. Run as the owner, or pass --allow-root.',
  ERR_VAULT_UNREACHABLE: 'A remote vault (SFTP, S3) could not be reached, or did not answer within its deadline; the message names the host and what failed.',
  ERR_VAULT_AUTH: "The remote vault refused Vigil's credentials (SSH key, S3 access key) or access to the bucket or path.",
  ERR_VAULT_HOST_KEY: "The SFTP server's host key is not in knownHosts, or differs from the key listed there; the message names the fingerprint. Vigil never trusts a host key on first use.",
  ERR_MAILCLIENT_NONE: 'No mail client of mail.clientsSupported is installed and allowed (interactive and, unless mail.usingSpooler, spooling clients are skipped).',
  ERR_MAILCLIENT_TIMEOUT: 'The mail program did not finish within timeoutSeconds; its process group was ended with SIGTERM, then SIGKILL.',
  ERR_MAILCLIENT_EXIT: 'The mail program failed with a temporary exit status (sysexits 66, 68–76, or its own code).',
  ERR_MAILCLIENT_UNUSABLE: 'The mail program could not be run here (not found, not executable, exit 126/127 or 64): the next client is tried.',
  ERR_MAILCLIENT_REJECTED: 'The mail program reports the message or a recipient permanently refused (exit 65 or 67).',
  ERR_MAILCLIENT_CONFIG: 'The mail program reports its configuration or credentials refused (exit 77 or 78).',
  ERR_MAILCLIENT_AMBIGUOUS: 'The mail program ended after the whole message was handed over but without saying whether it was sent.',
  ERR_MAILCLIENT_INTERACTIVE: 'An interactive mail program (mutt, mail, mailx, s-nail, alpine…) was listed; Vigil never runs one.',
  ERR_MAILCLIENT_SPOOLER: 'A spooling mail program was skipped because mail.usingSpooler is false.',
  ERR_MAILCLIENT_BUSY: 'The mail program was still busy with another message when the attempt’s deadline passed.',
  ERR_MAILCLIENT_STUCK: 'A message handed to a spooling mail program is still in its local queue after mail.stuckAfter.',
  ERR_ENGINE_PROGRAM: 'The program a backup engine runs (restic) is not installed here, or could not be started.',
  ERR_SET_UNKNOWN: 'No backup set of that name is defined under sets: in the configuration.',
  ERR_SET_BUSY: 'The backup set is already running (in the service or another `vigil run`); two runs of one set never overlap.',
  ERR_DATADIR_LOCKED: 'Another `vigil start` already serves this dataDir (the message names its pid); one service per data directory.',
  ERR_SERVICE_INSTALL: '`vigil service install` or `uninstall` could not carry out a step (useradd, systemctl, an owner that does not exist); the message names the command and its error.',
  ERR_ACTIVITY_NOT_FOUND: 'No activity in the activity log has that id.',
  ERR_NOTIFY_TEMPLATE: 'A notification template override could not be read or rendered; the shipped template was used instead.',
  ERR_OAUTH_TOKEN: 'The OAuth2 token endpoint refused the credentials (wrong tenant or client, bad or expired secret, revoked refresh token, consent missing); the message gives the provider’s code.',
  ERR_OAUTH_UNAVAILABLE: 'The OAuth2 token endpoint (or token command) could not be reached, timed out or failed temporarily.',
  ERR_GRAPH_AUTH: 'Microsoft Graph refused the access token or the permission to send as the mailbox (401/403).',
  ERR_GRAPH_DEFERRED: 'Microsoft Graph asked to try later (429 or 5xx), honouring its Retry-After.',
  ERR_GRAPH_REJECTED: 'Microsoft Graph refused the message permanently (4xx); the message gives Graph’s error code.',
  ERR_GRAPH_CONNECT: 'Microsoft Graph could not be reached, or the request failed before it was fully sent.',
  ERR_GRAPH_AMBIGUOUS: 'The request to Microsoft Graph was fully sent but no answer came: the message may have been accepted.',
  ERR_CHANNEL_UNKNOWN: 'A channel was named that the configuration does not define under channels:.',
  ERR_PUSH_CONNECT: 'The push service (ntfy, PagerDuty, a chat webhook…) could not be reached, or the connection was lost before the request was sent.',
  ERR_PUSH_TIMEOUT: 'The push service did not answer within the channel’s timeoutSeconds, and the request had not been fully sent.',
  ERR_PUSH_TLS: 'TLS to the push service failed (certificate not trusted, name mismatch) or its URL is not https:// without allowInsecure.',
  ERR_PUSH_AUTH: 'The push service refused the credentials (401/403, or its own "invalid token" answer) or redirected elsewhere; the channel is paused.',
  ERR_PUSH_DEFERRED: 'The push service asked to try later (408, 425, 429 or 5xx), honouring its Retry-After.',
  ERR_PUSH_REJECTED: 'The push service refused the message permanently (400, 404, 410, 413, 422…); the detail gives its error text.',
  ERR_PUSH_AMBIGUOUS: 'The request was fully sent to the push service but no answer came: it may have been delivered; retried with the same idempotency key.',
  ERR_CONSOLE_LISTEN: 'The web console could not listen on console.listen (the port is in use, or the address is not on this machine); the message names the address.',
  ERR_CONSOLE_TLS: 'The web console could not read or use console.tls.certFile / keyFile; the message names the file.',
  ERR_INTERNAL: 'An unexpected internal error; the message says where.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error a user can act on: a stable code, a message naming the thing at fault, and a hint. */
export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigilError';
    this.code = code;
    this.hint = options.hint;
  }
}

export function isVigilError(value: unknown): value is VigilError {
  return value instanceof VigilError;
}

/**
 * A remote vault's host is down, gone or refuses us: the whole operation stops at the first such
 * error (going on would wait out a deadline per pack), and the service raises `vault-unreachable`.
 */
const VAULT_HOST_DOWN: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['ERR_VAULT_UNREACHABLE', 'ERR_VAULT_AUTH', 'ERR_VAULT_HOST_KEY']);

export function isVaultUnreachable(value: unknown): value is VigilError {
  return value instanceof VigilError && VAULT_HOST_DOWN.has(value.code);
}
