import type { DeliveryOutcome } from '../../domain/outcome.js';

/**
 * A next step for the most common reasons a test message does not get through. Pure: reads the
 * classified outcome only.
 */
export function smtpHint(outcome: DeliveryOutcome): string | undefined {
  const text = `${outcome.detail} ${outcome.reply?.text ?? ''}`;
  const enhanced = outcome.reply?.enhanced ?? '';
  if (enhanced === '5.7.30' || enhanced === '5.7.139' || /basic authentication is (not supported|disabled)/i.test(text)) {
    return 'Basic authentication (a password) is disabled for SMTP in this tenant. Use OAuth2: auth.oauth2 (XOAUTH2) or method: graph — see docs/microsoft-365.md (Gmail: docs/gmail.md, or an app password).';
  }
  switch (outcome.errorCode) {
    case 'ERR_SMTP_CONNECT':
      if (/refused/.test(text)) return 'Nothing accepts connections on that host and port. Check host and port (587 for starttls, 465 for tls, 25 for relays), and that a firewall allows the connection.';
      if (/resolved/.test(text)) return 'The host name does not resolve from this machine. Check the spelling and the machine’s DNS.';
      return 'The server could not be reached. Check host, port and the network path (firewall, proxy).';
    case 'ERR_SMTP_TIMEOUT':
      if (/connecting|greeting/.test(text)) {
        return 'The server took the connection but never greeted. Usually the port expects TLS from the start (465: security: tls) while the profile says starttls, or a firewall swallows the traffic.';
      }
      return 'The server did not answer within timeoutSeconds. Try again; if it persists, raise timeoutSeconds or check the server’s load.';
    case 'ERR_SMTP_NO_CONNECTION_FREE':
      return 'Other messages held every connection to the server for that long; the message was not tried and goes out once one is free. If this happens often, the server is slow for the load: raise the profile’s connections, or lower outbox.concurrency.';
    case 'ERR_SMTP_TLS':
      if (/ALTNAME|does not match|Hostname/i.test(text)) return 'The server’s certificate is for another name. Use the name in the certificate as host, or set tls.servername to it.';
      if (/SELF_SIGNED|self[- ]signed|UNABLE_TO_VERIFY|unable to verify|issuer/i.test(text)) {
        return 'The server’s certificate is not signed by a CA this machine trusts. Add your CA with tls.caFile, or (less safely) tls.allowSelfSigned: true.';
      }
      if (/STARTTLS/i.test(text)) return 'The server does not offer STARTTLS. Use security: tls on port 465, or (only on a trusted network) security: none.';
      return 'TLS could not be set up. Check security (starttls or tls) matches the port, and the server’s certificate.';
    case 'ERR_SMTP_AUTH':
      return 'The server refused the user name or password (535 / 5.7.8). Check auth.user, the secret behind auth.pass, and whether the account needs an app password or OAuth2.';
    case 'ERR_SMTP_PLAINTEXT_AUTH':
      return 'The password would have been readable by anyone on the network path. Use security: starttls (587) or tls (465); set allowPlaintextAuth: true on the server entry only for a relay on this machine or a network you trust.';
    case 'ERR_SMTP_POLICY':
      if (/relay/i.test(text)) return 'The server will not relay for this sender or recipient. Authenticate (auth:), or ask the mail administrator to allow this host.';
      return 'The server refused the message for a security or policy reason (5.7.x). Check that the sender address may be used by this account.';
    case 'ERR_SMTP_REJECTED':
      return 'The server refused the message or recipient permanently. Check the addresses, and the reply text above.';
    case 'ERR_SECRET_UNREADABLE':
      return 'The password could not be read: set the environment variable or fix the secret file named above.';
    default:
      return undefined;
  }
}
