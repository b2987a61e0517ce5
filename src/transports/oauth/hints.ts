import type { DeliveryOutcome } from '../../domain/outcome.js';

/** Microsoft identity platform error codes (AADSTS…) in plain words, with the fix. */
const AADSTS: Record<string, string> = {
  AADSTS90002: 'The tenant was not found. Check tenant: the Directory (tenant) ID on the app registration’s Overview page, or a verified domain such as contoso.onmicrosoft.com. For a national cloud, set authority as well.',
  AADSTS900023: 'The tenant is not a valid tenant id or domain. Copy the Directory (tenant) ID from the app registration’s Overview page into tenant.',
  AADSTS90072: 'The app is not known in this tenant. Check tenant and clientId belong together.',
  AADSTS700016: 'No application with this clientId exists in this tenant. Copy the Application (client) ID from the app registration’s Overview page, and check tenant is the tenant it was registered in.',
  AADSTS7000215: 'The client secret is wrong. Use the secret’s Value (shown only once, when it was created), not its Secret ID; or create a new secret under Certificates & secrets.',
  AADSTS7000222: 'The client secret has expired. Create a new one under Certificates & secrets, put it where clientSecret points, and update secretExpires.',
  AADSTS65001: 'Admin consent is missing. In the Entra admin center: App registrations → your app → API permissions → Grant admin consent for the tenant.',
  AADSTS700024: 'The signed assertion is outside its valid time range: this machine’s clock is wrong. Enable time synchronisation (timedatectl set-ntp true).',
  AADSTS500011: 'The resource in scope does not exist in this tenant: for SMTP the scope is https://outlook.office365.com/.default, for Graph https://graph.microsoft.com/.default (national clouds have their own hosts).',
  AADSTS70011: 'The scope is not valid: app-only tokens need a scope ending in /.default.',
  AADSTS7000112: 'The application is disabled in this tenant. Enable it (Enterprise applications → your app → Properties → Enabled for users to sign in).',
};

const GOOGLE: Record<string, string> = {
  invalid_grant:
    'Google no longer accepts the refresh token (or the service account’s signed assertion): it was revoked, the account’s password changed, or the OAuth app is in "Testing" status (its refresh tokens expire after 7 days). Mint a new refresh token (docs/gmail.md) — publish the app to "In production" first — and update refreshToken. For a service account, check this machine’s clock and that the key was not deleted.',
  unauthorized_client:
    'The client may not use this grant. For a service account: set up domain-wide delegation for its client ID with scope https://mail.google.com/ (Admin console → Security → API controls → Domain-wide delegation). For a refresh token: it was issued to another client ID.',
  invalid_client: 'The OAuth client ID or secret is wrong, or the client was deleted. Copy them again from Google Cloud console → APIs & Services → Credentials.',
  invalid_scope: 'The scope is refused: Gmail SMTP needs https://mail.google.com/.',
};

/** A next step for a token that could not be obtained (ERR_OAUTH_*). Pure: reads the outcome. */
export function oauthHint(outcome: DeliveryOutcome): string | undefined {
  if (outcome.errorCode !== 'ERR_OAUTH_TOKEN' && outcome.errorCode !== 'ERR_OAUTH_UNAVAILABLE') return undefined;
  const text = outcome.detail;
  const skew = /clock is (-?\d+) min off/.exec(text);
  const aadsts = /AADSTS\d+/.exec(text)?.[0];
  if (aadsts && AADSTS[aadsts]) return AADSTS[aadsts] + (skew ? ` Also: this machine’s clock is ${skew[1]} min off the token endpoint’s.` : '');
  const google = Object.keys(GOOGLE).find((code) => new RegExp(`\\b${code}\\b`).test(text));
  if (google) return GOOGLE[google];
  if (skew) return `This machine’s clock is ${skew[1]} min off the token endpoint’s; signed requests fail when clocks differ. Enable time synchronisation (timedatectl set-ntp true).`;
  if (/token command/.test(text)) return 'The token command failed or printed nothing: run it by hand as the account the service runs as, and check it prints only the token (or JSON with access_token).';
  if (/TLS to the token endpoint/.test(text)) return 'The token endpoint’s certificate is not trusted here. Check the system’s CA bundle, or add your proxy’s CA with caFile.';
  if (outcome.errorCode === 'ERR_OAUTH_UNAVAILABLE') {
    return 'The token endpoint could not be reached or failed for now; Vigil retries. Check this machine can reach it over HTTPS (login.microsoftonline.com, oauth2.googleapis.com; proxy and firewall).';
  }
  if (aadsts) return `The Microsoft identity platform refused the app (${aadsts}). Look the code up at https://login.microsoftonline.com/error?code=${aadsts.slice(6)}.`;
  return 'The token endpoint refused the credentials. Check clientId, the secret behind clientSecret, and tenant (docs/microsoft-365.md, docs/gmail.md).';
}

/** A refused XOAUTH2 login on SMTP (the token was obtained; the mail server said no). */
export function xoauth2RefusedHint(outcome: DeliveryOutcome): string | undefined {
  if (outcome.errorCode !== 'ERR_SMTP_AUTH' || !/XOAUTH2/.test(outcome.detail)) return undefined;
  const google = /google|gmail/i.test(`${outcome.server ?? ''} ${outcome.detail}`);
  if (google) {
    return 'Gmail refused the access token. Check auth.user is the account the refresh token was issued for (or, for a service account, a user of the delegating domain), and that the token’s scope is https://mail.google.com/.';
  }
  return (
    'Exchange Online refused the app’s token (535 5.7.3 / 5.7.139). Usually one of: the app lacks the application permission SMTP.SendAsApp (Office 365 Exchange Online) with admin consent; ' +
    'its service principal is not registered in Exchange (New-ServicePrincipal -AppId <clientId> -ObjectId <enterprise app object id>) or has no right on the mailbox ' +
    '(Add-MailboxPermission -Identity <auth.user> -User <service principal id> -AccessRights FullAccess); or SMTP AUTH is off for the mailbox (Set-CASMailbox <auth.user> -SmtpClientAuthenticationDisabled $false). ' +
    'Changes can take 30 minutes to apply. See docs/microsoft-365.md.'
  );
}
