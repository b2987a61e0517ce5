import { formatReply, type DeliveryOutcome } from '../../domain/outcome.js';
import { connectApp } from '../../app/context.js';
import { sendProfileTest } from '../../app/test-message.js';
import { deliveryHint } from '../../transports/hints.js';
import { EXIT, type Command } from '../command.js';
import { printJson } from '../output.js';

export const mailTestCommand: Command = {
  name: 'mail test',
  summary: 'send a test message through the real delivery path and say what happened',
  usage: '[--profile P] [--to ADDR] [-v]',
  options: { profile: { type: 'string', short: 'p' }, to: { type: 'string', multiple: true } },
  exitCodes: { 0: 'the server (or mail program, or Maildir) accepted the message', 1: 'not accepted; the reason and a hint are printed', 2: 'usage or configuration error' },
  async run(ctx, { values }) {
    const app = await connectApp({ configFile: ctx.configFile, env: ctx.env, logLevel: 'error' });
    try {
      const { id, profile, to, outcome, accepted } = await sendProfileTest(app, values.profile as string | undefined, values.to as string[] | undefined);
      report(ctx, { id, profile, to, outcome, accepted });
      return accepted ? EXIT.ok : EXIT.failure;
    } finally {
      await app.close();
    }
  },
};

function report(
  ctx: Parameters<Command['run']>[0],
  r: { id: string; profile: string; to: string[]; outcome: DeliveryOutcome | undefined; accepted: boolean },
): void {
  const hint = r.outcome && !r.accepted ? deliveryHint(r.outcome) : undefined;
  if (ctx.json) {
    printJson(ctx.stdout, { id: r.id, profile: r.profile, to: r.to, accepted: r.accepted, outcome: r.outcome ?? null, hint: hint ?? null });
    return;
  }
  const out = r.accepted ? ctx.stdout : ctx.stderr;
  if (!r.outcome) {
    out.write(`✗ no outcome for test message ${r.id} within the deadline; see \`vigil outbox show ${r.id}\`\n`);
    return;
  }
  out.write(r.accepted ? `✓ ${r.outcome.detail}\n` : `✗ ${r.outcome.kind}: ${r.outcome.detail}\n`);
  if (r.outcome.reply) out.write(`  reply: ${formatReply(r.outcome.reply)}\n`);
  out.write(`  profile ${r.profile}, to ${r.to.join(', ')}, message ${r.id}\n`);
  if (hint) out.write(`hint: ${hint}\n`);
  if (ctx.verbose && r.outcome.transcript) out.write(`transcript:\n${r.outcome.transcript.replace(/^/gm, '  ')}\n`);
  else if (!r.accepted) out.write(`  (run with -v for the transcript)\n`);
}
