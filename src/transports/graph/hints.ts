import type { DeliveryOutcome } from '../../domain/outcome.js';

/** A next step for a Microsoft Graph sendMail failure (ERR_GRAPH_*). Pure: reads the outcome. */
export function graphHint(outcome: DeliveryOutcome): string | undefined {
  const text = outcome.detail;
  switch (outcome.errorCode) {
    case 'ERR_GRAPH_AUTH':
      if (/\(404/.test(text)) return 'Graph does not know this mailbox. Check mailbox is the user principal name (or object id) of a user with an Exchange Online licence.';
      if (/ErrorSendAsDenied/.test(text)) return 'The From address is not the sending mailbox. Use the mailbox’s address as the profile’s from, or give the mailbox Send As rights on that address.';
      if (/\(403/.test(text)) {
        return 'The app may not send as this mailbox. Grant the application permission Mail.Send (Microsoft Graph, Application — not Delegated) and then admin consent; if an application access policy restricts the app, put the mailbox in its group (check with Test-ApplicationAccessPolicy -Identity <mailbox> -AppId <clientId>). See docs/microsoft-365.md.';
      }
      return 'Graph refused a freshly fetched token. Check the app has Mail.Send as an Application permission with admin consent, and that authority and graphUrl are of the same cloud.';
    case 'ERR_GRAPH_DEFERRED':
      return 'Graph is throttling or briefly unavailable; Vigil retries after the delay Graph asked for. Nothing to do unless it persists.';
    case 'ERR_GRAPH_REJECTED':
      return 'Graph refused this message as it is (the error code above says why); it will not be retried.';
    case 'ERR_GRAPH_CONNECT':
      if (/TLS/.test(text)) return 'The certificate of graphUrl is not trusted here. Check the system’s CA bundle, or add your proxy’s CA with caFile.';
      return 'Graph could not be reached. Check this machine can reach graph.microsoft.com over HTTPS (proxy, firewall); Vigil retries.';
    case 'ERR_GRAPH_AMBIGUOUS':
      return 'The request went out but no answer came: the message may have been sent. Vigil retries with the same Message-ID and flags a possible duplicate.';
    default:
      return undefined;
  }
}
