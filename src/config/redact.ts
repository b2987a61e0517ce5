/**
 * Strips secrets from anything shown or stored: transcripts, logs, error details.
 * Every secret Vigil reads is registered here first, in the forms it may take on the wire
 * (as is, base64 alone, and SASL PLAIN's base64 of `\0user\0pass`).
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly slots = new Map<string, string[][]>();

  add(secret: string, user?: string): void {
    if (secret.length < 3) return; // too short to redact without mangling ordinary text
    this.secrets.add(secret);
    this.secrets.add(Buffer.from(secret).toString('base64'));
    if (user !== undefined) {
      this.secrets.add(Buffer.from(`\u0000${user}\u0000${secret}`).toString('base64'));
      this.secrets.add(Buffer.from(`${user}\u0000${user}\u0000${secret}`).toString('base64'));
    }
  }

  /**
   * A secret that is replaced over time (an OAuth2 access token, hourly): the newest two per
   * `slot` are redacted — the previous one may still be in use — and older ones are let go, so
   * a long-running service does not collect every token it ever had.
   */
  rotate(slot: string, secret: string): void {
    const forms = [secret, Buffer.from(secret).toString('base64')];
    const history = this.slots.get(slot) ?? [];
    history.push(forms);
    for (const old of history.splice(0, Math.max(0, history.length - 2)).flat()) this.secrets.delete(old);
    this.slots.set(slot, history);
    for (const form of forms) this.secrets.add(form);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}
