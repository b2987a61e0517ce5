import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { VigilError } from '../../domain/errors.js';
import { MESSAGE_STATES, PENDING_STATES, type MessageState, type StoredMessage } from '../../domain/message.js';
import { connectApp } from '../../app/context.js';
import { openStoreWithSpools } from '../../app/open-store.js';
import type { Store } from '../../storage/ports/store.js';
import { EXIT, type CliContext, type Command } from '../command.js';
import { isoTime, printJson, printTable, truncate } from '../output.js';
import { showsHostColumn, withHostColumn } from '../host-column.js';

/** The store alone, for commands that only read or flip a state (with a spool the service still holds). */
async function withStore<T>(ctx: CliContext, work: (store: Store, stuckAfterMs: number) => Promise<T>): Promise<T> {
  const { config } = loadConfig(ctx.configFile);
  const store = await openStoreWithSpools(config, { baseDir: path.dirname(ctx.configFile), env: ctx.env });
  try {
    return await work(store, config.mail.stuckAfter);
  } finally {
    await store.close();
  }
}

export const outboxListCommand: Command = {
  name: 'outbox list',
  summary: 'list messages in the Outbox (newest first)',
  usage: `[--state ${[...MESSAGE_STATES, 'stuck'].join('|')}] [--host NAME] [--limit N] [--json]`,
  options: { state: { type: 'string', short: 's' }, host: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx, { values }) {
    const state = values.state as string | undefined;
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new VigilError('ERR_USAGE', `--limit ${String(values.limit)}: give a positive whole number`);
    if (state && state !== 'stuck' && !MESSAGE_STATES.includes(state as MessageState)) {
      throw new VigilError('ERR_USAGE', `--state ${state}: unknown state`, { hint: `Use one of ${[...MESSAGE_STATES, 'stuck'].join(', ')}.` });
    }
    const host = values.host === undefined ? undefined : String(values.host);
    const { messages, showHost } = await withStore(ctx, async (store, stuckAfter) => {
      const messages = await listed(store, stuckAfter);
      return { messages, showHost: host === undefined && (await showsHostColumn(store, messages)) };
    });
    async function listed(store: Store, stuckAfter: number): Promise<StoredMessage[]> {
      const byHost = host !== undefined ? { host } : {};
      if (state !== 'stuck') return store.outbox.list(state ? { states: [state as MessageState], limit, ...byHost } : { limit, ...byHost });
      // Stuck: still pending in our Outbox past mail.stuckAfter, or handed to a spooling mail
      // program whose queue still holds it past that time.
      const pending = await store.outbox.list({ states: [...PENDING_STATES], createdBefore: Date.now() - stuckAfter, limit, ...byHost });
      const inMtaQueue = await Promise.all((await store.handOffs.stuck()).map((h) => store.outbox.get(h.outboxId)));
      return [...pending, ...inMtaQueue.filter((m): m is StoredMessage => m !== undefined && (host === undefined || m.host === host))].slice(0, limit);
    }
    if (ctx.json) printJson(ctx.stdout, messages);
    else if (messages.length === 0) ctx.stdout.write(state ? `no ${state} messages\n` : 'the Outbox is empty\n');
    else
      printTable(
        ctx.stdout,
        ...withHostColumn(showHost, ['ID', 'STATE', 'CREATED', 'TRIES', 'PROFILE', 'KIND', 'SUBJECT'], messages, (m) => [m.id, m.state + (m.possibleDuplicate ? '*' : ''), isoTime(m.createdAt), String(m.attempts), m.profile, m.kind, truncate(m.subject, 50)]),
      );
    return EXIT.ok;
  },
};

export const outboxShowCommand: Command = {
  name: 'outbox show',
  summary: 'show one message with every delivery attempt and its transcript',
  usage: 'ID [--raw] [--json]',
  positionals: true,
  options: { raw: { type: 'boolean' } },
  async run(ctx, { values, positionals }) {
    const id = requireId(positionals, 'outbox show');
    return withStore(ctx, async (store) => {
      const message = await store.outbox.get(id);
      if (!message) throw notFound(id);
      if (values.raw) {
        ctx.stdout.write((await store.outbox.raw(id)) ?? '');
        return EXIT.ok;
      }
      const attempts = await store.outbox.attempts(id);
      if (ctx.json) {
        printJson(ctx.stdout, { ...message, attempts });
        return EXIT.ok;
      }
      describe(ctx, message);
      const suspension = PENDING_STATES.includes(message.state) ? await store.outbox.routeSuspension(message.profile, Date.now()) : undefined;
      if (suspension) ctx.stdout.write(`${'waiting'.padEnd(13)} delivery through profile ${message.profile} suspended until ${isoTime(suspension.until)}: one message was tried and failed (${suspension.reason})\n`);
      attempts.forEach((a, i) => {
        ctx.stdout.write(`\nattempt ${i + 1}: ${isoTime(a.startedAt)}  ${a.outcome}  ${a.durationMs} ms  via ${a.transport}${a.server ? ` ${a.server}` : ''}${a.host ? `  by ${a.host}` : ''}\n`);
        ctx.stdout.write(`  ${a.detail}\n`);
        if (a.replyText) ctx.stdout.write(`  reply: ${a.replyText}\n`);
        if (a.transcript) ctx.stdout.write(a.transcript.replace(/^/gm, '    ') + '\n');
      });
      return EXIT.ok;
    });
  },
};

export const outboxRetryCommand: Command = {
  name: 'outbox retry',
  summary: 'make a deferred, failed or expired message due again now',
  usage: 'ID',
  positionals: true,
  async run(ctx, { positionals }) {
    const id = requireId(positionals, 'outbox retry');
    const message = await withStore(ctx, (store) => store.outbox.retry(id, Date.now()));
    if (ctx.json) printJson(ctx.stdout, message);
    else ctx.stdout.write(`${id}: ${message.state}, due now; \`vigil outbox deliver\` or the running service sends it\n`);
    return EXIT.ok;
  },
};

export const outboxDeliverCommand: Command = {
  name: 'outbox deliver',
  summary: 'run one delivery pass over everything due, then exit (for cron and tests)',
  usage: '[--json]',
  exitCodes: { 0: 'the pass ran (messages may still be deferred)', 1: 'a message failed or expired during the pass', 2: 'configuration error' },
  async run(ctx) {
    const app = await connectApp({ configFile: ctx.configFile, env: ctx.env, logLevel: ctx.verbose ? 'debug' : 'warn' });
    try {
      // Storm windows that ended (held by a `vigil run` that did not wait): their grouped message first.
      await app.notifications.storm.flushDue();
      const report = await app.dispatcher.runPass();
      if (ctx.json) printJson(ctx.stdout, report);
      else ctx.stdout.write(`attempted ${report.attempted}: ${report.sent} sent, ${report.deferred} deferred, ${report.failed} failed, ${report.expired} expired\n`);
      return report.failed + report.expired > 0 ? EXIT.failure : EXIT.ok;
    } finally {
      await app.close();
    }
  },
};

function describe(ctx: CliContext, m: StoredMessage): void {
  const rows: [string, string][] = [
    ['id', m.id],
    ['message-id', m.messageId],
    ['state', m.state + (m.possibleDuplicate ? ' (possible duplicate: an earlier attempt may have delivered it — see the attempts below)' : '')],
    ['kind', `${m.kind} (${m.severity})`],
    ['profile', m.profile],
    // With a shared Outbox a gone host's message is delivered by another host: say which.
    ...(m.host ? [['host', m.host] as [string, string]] : []),
    ...(m.deliveredBy ? [['delivered by', m.deliveredBy] as [string, string]] : []),
    ['from', m.envelope.from],
    ['to', m.envelope.to.join(', ')],
    ['subject', m.subject],
    ['created', isoTime(m.createdAt)],
    ['attempts', String(m.attempts)],
    ['next attempt', PENDING_STATES.includes(m.state) ? isoTime(m.nextAttemptAt) : '-'],
    ['last error', m.lastError ?? '-'],
  ];
  for (const [k, v] of rows) ctx.stdout.write(`${k.padEnd(13)} ${v}\n`);
}

function requireId(positionals: string[], command: string): string {
  const [id, extra] = positionals;
  if (!id || extra) throw new VigilError('ERR_USAGE', `give exactly one message id: vigil ${command} ID`, { hint: 'Ids are listed by `vigil outbox list`.' });
  return id;
}

function notFound(id: string): VigilError {
  return new VigilError('ERR_OUTBOX_NOT_FOUND', `no message with id ${id} in the Outbox`, { hint: 'List messages with `vigil outbox list`.' });
}
