import { activeProfileName } from '../config/semantic-checks.js';
import { channelProfile, type ChannelContent } from '../domain/channel.js';
import { VigilError } from '../domain/errors.js';
import { FINAL_STATES, PRIORITY } from '../domain/message.js';
import type { DeliveryOutcome } from '../domain/outcome.js';
import { resolveRecipients } from '../domain/recipients.js';
import type { AppContext } from './context.js';
import { profileFingerprint } from './profile-fingerprint.js';

/**
 * A test message through the real delivery path (`vigil mail test`, `vigil notify test`, the
 * console's Send test): enqueued like any message, delivered at once, and — a test being a
 * question, not an alert — failed rather than retried in the background when it is not accepted.
 */
export interface TestResult {
  id: string;
  accepted: boolean;
  /** Undefined when another process delivers it and no outcome came within the deadline. */
  outcome: DeliveryOutcome | undefined;
}

/** Sends a test through Mail Profile `profileName` (default: the active one) to `to` (default: the admins). */
export async function sendProfileTest(app: AppContext, profileName: string | undefined, to?: string[]): Promise<TestResult & { profile: string; to: string[] }> {
  const { config } = app.loaded;
  const name = profileName ?? activeProfileName(config);
  const profile = name ? config.profiles[name] : undefined;
  if (!name || !profile) {
    throw new VigilError('ERR_PROFILE_UNKNOWN', name ? `no profile named "${name}"` : 'no profile selected', {
      hint: `Defined profiles: ${Object.keys(config.profiles).join(', ') || 'none'}. Choose one with --profile or mail.profile.`,
    });
  }
  const wanted = to ?? config.admin.to ?? config.notification.admins;
  const { addresses, unknown } = resolveRecipients(wanted.length ? wanted : ['admins'], profile.addressBook);
  if (unknown.length) {
    throw new VigilError('ERR_RECIPIENTS_EMPTY', `unknown address-book group(s) ${unknown.join(', ')} in profile ${name}`, { hint: 'Give --to ADDR or add the group to the profile’s addressBook.' });
  }
  const { id } = await app.outbox.enqueue({
    kind: 'mail.test',
    severity: 'info',
    priority: 0,
    profile: name,
    from: profile.from,
    to: addresses,
    subject: `Vigil test message from ${app.hostname}`,
    text: testText(app.hostname, name),
  });
  const outcome = await deliverOrAwait(app, id, name);
  const accepted = outcome?.kind === 'accepted' || outcome?.kind === 'queued-locally';
  if (accepted) {
    await app.store.profiles.markVerified(name, profileFingerprint(profile), app.clock.now());
    await app.dispatcher.resume(name);
  } else await failIfPending(app, id);
  return { id, accepted, outcome, profile: name, to: addresses };
}

/** Sends a test through channel `name`. */
export async function sendChannelTest(app: AppContext, name: string): Promise<TestResult> {
  const channel = app.loaded.config.channels[name];
  if (!channel) throw new VigilError('ERR_CHANNEL_UNKNOWN', `no channel named "${name}"`, { hint: `Channels: ${Object.keys(app.loaded.config.channels).join(', ') || 'none'}.` });
  const content: ChannelContent = {
    event: 'test',
    title: `Vigil test message from ${app.hostname}`,
    text: `If you can read this, channel "${name}" (${channel.type}) reaches you: Vigil will use it for backup alerts.`,
    severity: 'info',
    host: app.hostname,
    kind: 'notify.test',
    at: app.clock.now(),
    // One test incident per host, resolved by nothing: PagerDuty shows it as a test (severity info).
    incidentKey: `vigil:${app.hostname}:test`,
  };
  const { id } = await app.outbox.enqueue({ kind: 'notify.test', severity: 'info', priority: PRIORITY.critical, profile: channelProfile(name), from: 'vigil', to: [name], subject: content.title, text: content.text, channel: { name, content } });
  const attempt = await app.dispatcher.deliverNow(id);
  const outcome = attempt?.outcome;
  const accepted = outcome?.kind === 'accepted';
  // A channel that delivers again is no longer paused.
  if (accepted) await app.store.profiles.resume(channelProfile(name));
  else await failIfPending(app, id);
  return { id, accepted, outcome };
}

async function failIfPending(app: AppContext, id: string): Promise<void> {
  const stored = await app.store.outbox.get(id);
  if (stored && !FINAL_STATES.includes(stored.state)) await app.store.outbox.fail(id, 'test message: not retried', app.clock.now());
}

/** Delivers now; if a running service took the message first, waits for its outcome. */
async function deliverOrAwait(app: AppContext, id: string, profileName: string): Promise<DeliveryOutcome | undefined> {
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
