import { sendFaultNow } from '../../app/fault-now.js';
import { loadConfigOrLastGood } from '../../config/last-good.js';
import { VigilError } from '../../domain/errors.js';
import { SERVICE_FAULTS, type ServiceFault } from '../../domain/events.js';
import { EXIT, type Command } from '../command.js';
import { printJson } from '../output.js';

const DEFAULT_DETAIL: Partial<Record<ServiceFault, string>> = { 'service-failed': 'the Vigil service stopped and systemd will not restart it' };
// An argument, so possibly from a script: keep a runaway value out of the subject and pager line.
const MAX_DETAIL = 1_000;

export const notifyFaultCommand: Command = {
  name: 'notify fault',
  summary: 'send a service-fault alert now, without the service (run by vigil-failed.service)',
  usage: `KIND [--detail TEXT]   KIND: ${SERVICE_FAULTS.join(' | ')}`,
  options: { detail: { type: 'string' } },
  positionals: true,
  exitCodes: { 0: 'every message of the alert was accepted', 1: 'some message was not accepted (a queued one is retried by the service)', 2: 'usage or configuration error' },
  async run(ctx, { values, positionals }) {
    const [kind, extra] = positionals;
    if (!kind || extra || !(SERVICE_FAULTS as readonly string[]).includes(kind)) {
      throw new VigilError('ERR_USAGE', kind && !extra ? `unknown fault "${kind}"` : 'give exactly one fault: vigil notify fault KIND', { hint: `KIND is one of ${SERVICE_FAULTS.join(', ')}.` });
    }
    const fault = kind as ServiceFault;
    const given = typeof values.detail === 'string' ? values.detail.replace(/\s+/g, ' ').trim() : '';
    let detail = (given || DEFAULT_DETAIL[fault] || fault).slice(0, MAX_DETAIL);
    // A vigil.yaml broken by an edit is often why the service failed: the alert goes out with
    // the configuration the service last ran with, and names the problem.
    const found = loadConfigOrLastGood(ctx.configFile);
    if ('savedAt' in found) {
      ctx.stderr.write(`note: ${found.problem}; using the last configuration that loaded (saved ${found.savedAt.toISOString()})\n`);
      detail = `${detail}; ${found.problem}`.slice(0, MAX_DETAIL * 2);
    }
    const result = await sendFaultNow({ loaded: 'savedAt' in found ? found.loaded : found, env: ctx.env, fault, detail });
    const accepted = result.deliveries.length > 0 && result.deliveries.every((d) => d.outcome?.kind === 'accepted');
    if (ctx.json) {
      printJson(ctx.stdout, { fault, detail, accepted, ...result });
      return accepted ? EXIT.ok : EXIT.failure;
    }
    if (result.route === 'nobody') {
      ctx.stderr.write(`✗ nobody to alert: no active mail profile, or notification.admins and .pager name no one\n`);
      return EXIT.failure;
    }
    if (result.outboxProblem) ctx.stderr.write(`note: sent around the Outbox (${result.outboxProblem})\n`);
    for (const d of result.deliveries) {
      const ok = d.outcome?.kind === 'accepted';
      const what = d.outcome ? `${d.outcome.kind}: ${d.outcome.detail}` : 'another Vigil process is delivering it';
      (ok ? ctx.stdout : ctx.stderr).write(`${ok ? '✓' : '✗'} ${d.kind} to ${d.to.join(', ')}: ${what}${d.id ? ` (message ${d.id})` : ''}\n`);
    }
    return accepted ? EXIT.ok : EXIT.failure;
  },
};
