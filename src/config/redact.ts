/**
 * Strips secrets from anything shown or stored: transcripts, logs, error details.
 * Every secret Vigil reads is registered here first, in every form it may take on the wire or in
 * a peer's echo of it (see `secretForms`).
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly slots = new Map<string, string[][]>();
  /** The secrets longest first, rebuilt after a change (see `redact`). */
  private ordered: string[] | undefined;

  add(secret: string, user?: string): void {
    if (secret.length < 3) return; // too short to redact without mangling ordinary text
    for (const form of secretForms(secret, user)) this.secrets.add(form);
    this.ordered = undefined;
  }

  /**
   * A secret that is replaced over time (an OAuth2 access token, hourly): the newest two per
   * `slot` are redacted — the previous one may still be in use — and older ones are let go, so
   * a long-running service does not collect every token it ever had.
   */
  rotate(slot: string, secret: string): void {
    const forms = secretForms(secret);
    const history = this.slots.get(slot) ?? [];
    history.push(forms);
    for (const old of history.splice(0, Math.max(0, history.length - 2)).flat()) this.secrets.delete(old);
    this.slots.set(slot, history);
    for (const form of forms) this.secrets.add(form);
    this.ordered = undefined;
  }

  redact(text: string): string {
    // Longest first: a shorter form can be a piece of a longer one (the base64 of the user name
    // opens both AUTH PLAIN forms), and replacing it first would leave the rest of the longer
    // one behind, still decodable.
    this.ordered ??= [...this.secrets].sort((a, b) => b.length - a.length);
    let out = text;
    for (const secret of this.ordered) out = out.split(secret).join('***');
    return out;
  }
}

/**
 * The forms a secret takes where it can leak: as is; percent-encoded as a form body or URL
 * carries it (a token endpoint that echoes the request body); JSON-escaped; base64 (AUTH LOGIN
 * sends the password alone), unpadded and base64url; and with `user`, SASL PLAIN's
 * `\0user\0pass` and `user\0user\0pass` and HTTP Basic's `user:pass`, base64. Pure.
 */
export function secretForms(secret: string, user?: string): string[] {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const percent = [new URLSearchParams({ s: secret }).toString().slice(2), encodeURIComponent(secret)];
  const forms = [
    secret,
    ...percent,
    ...percent.map((form) => form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())),
    JSON.stringify(secret).slice(1, -1),
    base64(secret),
    base64(secret).replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
  ];
  if (user !== undefined) forms.push(base64(`\u0000${user}\u0000${secret}`), base64(`${user}\u0000${user}\u0000${secret}`), base64(`${user}:${secret}`));
  // A form too short to be told from ordinary text is left out, as a short secret is.
  return [...new Set(forms)].filter((form) => form.length >= 3);
}
