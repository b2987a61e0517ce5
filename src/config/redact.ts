/**
 * Strips secrets from anything shown or stored: transcripts, logs, error details.
 * Every secret Vigil reads is registered here first, in the forms it may take on the wire
 * (as is, base64 alone, and SASL PLAIN's base64 of `\0user\0pass`).
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string, user?: string): void {
    if (secret.length < 3) return; // too short to redact without mangling ordinary text
    this.secrets.add(secret);
    this.secrets.add(Buffer.from(secret).toString('base64'));
    if (user !== undefined) {
      this.secrets.add(Buffer.from(`\u0000${user}\u0000${secret}`).toString('base64'));
      this.secrets.add(Buffer.from(`${user}\u0000${user}\u0000${secret}`).toString('base64'));
    }
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}
