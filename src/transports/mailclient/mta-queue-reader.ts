import type { QueueListing } from './catalogue.js';
import { minimalEnv } from './mail-client.js';
import { parseMailq, parsePostqueueJson, type MtaQueueListing } from './mta-queue.js';
import type { ProgramRunner } from './program-runner.js';

export interface MtaQueueReaderOptions {
  runner: ProgramRunner;
  /** Extra environment, e.g. `MAIL_CONFIG` for a Postfix instance other than the default. */
  env?: Readonly<Record<string, string>>;
  deadlineMs?: number;
  /** Read Message-IDs of entries from these senders with postcat (needs read access to the queue). */
  lookUpMessageIdsFor?: readonly string[];
}

/** Lists a local MTA's queue with its own tools, under a deadline. Never rejects. */
export class MtaQueueReader {
  constructor(private readonly options: MtaQueueReaderOptions) {}

  async list(listing: QueueListing, signal?: AbortSignal): Promise<MtaQueueListing> {
    if (listing === 'none') return { ok: true, entries: [], detail: 'this client keeps no queue' };
    if (listing === 'postqueue-json') {
      const run = await this.run('/usr/sbin/postqueue', ['-j'], signal);
      if (!run.ok) return { ok: false, entries: [], detail: `postqueue -j: ${run.why}` };
      const entries = parsePostqueueJson(run.stdout);
      await this.addMessageIds(entries, signal);
      return { ok: true, entries, detail: `postqueue -j: ${entries.length} message(s) in the queue` };
    }
    const run = await this.run('/usr/bin/mailq', [], signal);
    if (!run.ok) return { ok: false, entries: [], detail: `mailq: ${run.why}` };
    const entries = parseMailq(run.stdout);
    const empty = /queue is empty|mail queue is empty|^\s*$/i.test(run.stdout);
    if (entries.length === 0 && !empty) return { ok: false, entries, detail: 'mailq: listing not understood' };
    return { ok: true, entries, detail: `mailq: ${entries.length} message(s) in the queue` };
  }

  /** postcat -hq reads headers of a queued message; only for our own senders, and best effort. */
  private async addMessageIds(entries: Array<{ queueId: string; sender: string; messageId?: string }>, signal?: AbortSignal): Promise<void> {
    const senders = new Set((this.options.lookUpMessageIdsFor ?? []).map((s) => s.toLowerCase()));
    for (const entry of entries) {
      if (!senders.has(entry.sender.toLowerCase())) continue;
      const run = await this.run('/usr/sbin/postcat', ['-h', '-q', entry.queueId], signal);
      const match = run.ok ? /^Message-ID:\s*(<[^>]+>)/im.exec(run.stdout) : null;
      if (match?.[1]) entry.messageId = match[1];
    }
  }

  private async run(path: string, args: string[], signal?: AbortSignal): Promise<{ ok: true; stdout: string } | { ok: false; why: string }> {
    const result = await this.options.runner.run({
      path,
      args,
      env: minimalEnv({}, this.options.env),
      deadlineMs: this.options.deadlineMs ?? 10_000,
      graceMs: 1_000,
      outputCap: 4 * 1024 * 1024,
      ...(signal ? { signal } : {}),
    });
    if (result.spawnError) return { ok: false, why: `cannot run (${result.spawnError.code})` };
    if (result.ended !== 'no') return { ok: false, why: 'did not answer within its deadline' };
    if (result.exitCode !== 0) return { ok: false, why: `exit ${result.exitCode ?? result.exitSignal}: ${result.stderr.trim().split('\n').at(-1) ?? ''}` };
    return { ok: true, stdout: result.stdout };
  }
}
