import { activeProfileName } from '../../config/semantic-checks.js';
import { VigilError } from '../../domain/errors.js';
import { FINAL_STATES } from '../../domain/message.js';
import { formatReply, type DeliveryOutcome } from '../../domain/outcome.js';
import { resolveRecipients } from '../../domain/recipients.js';
import { openApp, type AppContext } from '../../app/context.js';
import { profileFingerprint } from '../../app/profile-fingerprint.js';
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
    const app = openApp({ configFile: ctx.configFile, env: ctx.env, logLevel: 'error' });
    try {
      const { config } = app.loaded;
      const profileName = (values.profile as string | undefined) ?? activeProfileName(config);
      const profile = profileName ? config.profiles[profileName] : undefined;
      if (!profileName || !profile) {
        throw new VigilError('ERR_PROFILE_UNKNOWN', profileName ? `no profile named "${profileName}"` : 'no profile selected', {
          hint: `Defined profiles: ${Object.keys(config.profiles).join(', ') || 'none'}. Choose one with --profile or mail.profile.`,
        });
      }
      const wanted = (values.to as string[] | undefined) ?? config.admin.to ?? config.notification.admins;
      const { addresses, unknown } = resolveRecipients(wanted.length ? wanted : ['admins'], profile.addressBook);
      if (unknown.length) {
        throw new VigilError('ERR_RECIPIENTS_EMPTY', `unknown address-book group(s) ${unknown.join(', ')} in profile ${profileName}`, { hint: 'Give --to ADDR or add the group to the profile’s addressBook.' });
      }
      const { id } = await app.outbox.enqueue({
        kind: 'mail.test',
        severity: 'info',
        priority: 0,
        profile: profileName,
        from: profile.from,
        to: addresses,
        subject: `Vigil test message from ${app.hostname}`,
        text: testText(app.hostname, profileName),
      });
      const outcome = await deliver(app, id, profileName);
      const stored = await app.store.outbox.get(id);
      const accepted = outcome?.kind === 'accepted' || outcome?.kind === 'queued-locally';
      if (accepted) {
        await app.store.profiles.markVerified(profileName, profileFingerprint(profile), app.clock.now());
        await app.dispatcher.resume(profileName);
      } else if (stored && !FINAL_STATES.includes(stored.state)) {
        // A test is a question, not an alert: it is not retried in the background.
        await app.store.outbox.fail(id, 'test message: not retried', app.clock.now());
      }
      report(ctx, { id, profile: profileName, to: addresses, outcome, accepted });
      return accepted ? EXIT.ok : EXIT.failure;
    } finally {
      await app.close();
    }
  },
};

/** Delivers now; if a running service took the message first, waits for its outcome. */
async function deliver(app: AppContext, id: string, profileName: string): Promise<DeliveryOutcome | undefined> {
  const attempt = await app.dispatcher.deliverNow(id);
  if (attempt) return attempt.outcome;
  const until = Date.now() + app.transports.attemptDeadlineMs(profileName) + 10_000;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const attempts = await app.store.outbox.attempts(id);
    const last = attempts[attempts.length - 1];
    if (last) {
      return {
        kind: last.outcome.split(' ')[0] as DeliveryOutcome['kind'],
        detail: last.detail,
        transcript: last.transcript,
        ...(last.server ? { server: last.server } : {}),
        ...(last.errorCode ? { errorCode: last.errorCode as never } : {}),
      };
    }
  }
  return undefined;
}

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

function testText(host: string, profile: string): string {
  return [
    `This is a test message from Vigil on ${host}, sent through Mail Profile "${profile}".`,
    '',
    'If you can read it, this profile delivers: Vigil will use it for backup alerts and the',
    'Daily and Weekly Admin summaries.',
    '',
    '— Vigil',
  ].join('\n');
}
