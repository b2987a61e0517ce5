/**
 * The mail programs Vigil knows by name (`mail.clientsSupported`). What each one is and how it is
 * called is the mail-client transport's catalogue (src/transports/mailclient/catalogue.ts).
 */
export const KNOWN_CLIENT_NAMES = ['msmtp', 'ssmtp', 'postfix', 'exim', 'opensmtpd', 'nullmailer', 'dma', 'sendmail'] as const;
export type KnownClientName = (typeof KNOWN_CLIENT_NAMES)[number];

export function isKnownClientName(name: string): name is KnownClientName {
  return (KNOWN_CLIENT_NAMES as readonly string[]).includes(name);
}
