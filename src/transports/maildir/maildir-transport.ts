import { open, rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { OutgoingMessage } from '../../domain/message.js';
import type { DeliveryOutcome } from '../../domain/outcome.js';
import type { Transport } from '../../domain/transport.js';
import { makeDirs } from '../../platform/make-dirs.js';

let sequence = 0;

/**
 * Delivers into a Maildir (tmp/ → fsync → rename into new/), readable by any mail client.
 * The embedded default: Vigil works on a fresh machine with no mail server. Nothing leaves
 * the machine, which `vigil config check` says.
 */
export class MaildirTransport implements Transport {
  readonly kind = 'maildir';

  constructor(private readonly directory: string) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<DeliveryOutcome> {
    const server = `maildir:${this.directory}`;
    if (signal.aborted) return { kind: 'temporary', errorCode: 'ERR_MAILDIR_WRITE', detail: 'shutting down before the message was written', server, transcript: '' };
    // The Maildir unique-name convention: time.pid_seq.host
    const name = `${Date.now()}.P${process.pid}Q${++sequence}.${hostname().replace(/[/:]/g, '_')}`;
    const tmp = path.join(this.directory, 'tmp', name);
    const target = path.join(this.directory, 'new', name);
    try {
      await Promise.all(['tmp', 'new', 'cur'].map((d) => makeDirs(path.join(this.directory, d))));
      const file = await open(tmp, 'wx', 0o600);
      try {
        await file.writeFile(message.raw);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, target);
      return { kind: 'accepted', detail: `written to ${target}`, server, transcript: `wrote ${message.raw.length} bytes to ${target}` };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const permanent = code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
      return {
        kind: permanent ? 'credentials' : 'temporary',
        detail: `cannot write into Maildir ${this.directory}: ${code}`,
        errorCode: 'ERR_MAILDIR_WRITE',
        server,
        transcript: (error as Error).message,
      };
    }
  }
}
