import type { VigilConfig } from '../config/schema/index.js';
import type { ActivityLogEntry } from '../domain/activity.js';
import type { BackupEvent } from '../domain/events.js';
import { composeMessage, composePager, templateVars, type Composed } from './compose.js';
import { escalationVars } from './escalation.js';
import { faultVars } from './faults.js';
import { hostSilenceVars } from './host-silence.js';
import { prefaceLines } from './preface.js';
import { effectiveRule } from './rules.js';
import { stormVars } from './storm.js';
import type { TemplateFiles } from './template-files.js';

export const PREVIEW_KINDS = ['backup-alert', 'backup-recovery', 'pager', 'storm', 'escalation', 'service-fault', 'host-silent', 'host-recovered'] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

export interface Preview {
  kind: PreviewKind;
  subject: string;
  text: string;
  html: string | null;
  /** The pager line that goes with it, when one does. */
  pager: string | null;
}

const HOUR = 3_600_000;
const CAUSE = 'vault /mnt/vault unreachable: mount <nas:/backup> timed out';

/**
 * A rendered sample of each message kind with the configured templates (`vigil notify preview`).
 * Sample data only — nothing is read from the activity log — but the set's real rule (subject
 * override, detail level) is used. Template errors are thrown, not papered over: a preview is
 * where an administrator wants to see them.
 */
export async function renderPreview(kind: PreviewKind, o: { config: VigilConfig; templates: TemplateFiles; host: string; now: number; set: string }): Promise<Preview> {
  const n = o.config.notification;
  const timezone = o.config.admin.timezone;
  const tz = timezone ? { timezone } : {};
  const rule = effectiveRule(o.config.sets[o.set]?.notify, n.defaults, n.pager);
  const event = sampleEvent(o.set, o.config.sets[o.set]?.engine ?? 'builtin', o.now);
  const log: ActivityLogEntry[] = [
    { seq: 0, severity: 'error', message: CAUSE, path: null },
    { seq: 1, severity: 'warning', message: 'skipped a socket', path: '/srv/documents/.X11-unix' },
  ];
  const alertVars = templateVars({ event, action: 'alert', rule, streak: { failures: 1, failingSince: o.now, lastStatus: 'failed' }, log, logDropped: 0, host: o.host, ...tz });
  const pagerLine = composePager(await o.templates.pager('pager'), alertVars);
  const mail = (m: Composed, pager: string | null): Preview => ({ kind, subject: m.subject, text: m.text, html: m.html, pager });
  switch (kind) {
    case 'backup-alert':
      return mail(composeMessage(await o.templates.triplet('backup-alert'), alertVars, rule.subject), pagerLine);
    case 'pager':
      return { kind, subject: pagerLine, text: pagerLine, html: null, pager: pagerLine };
    case 'backup-recovery': {
      const ok = { ...event, kind: 'backup.completed', status: 'completed', firstError: null } as BackupEvent;
      const vars = templateVars({ event: ok, action: 'recovery', rule, streak: { failures: 3, failingSince: o.now - 26 * HOUR, lastStatus: 'failed' }, log: [], logDropped: 0, host: o.host, ...tz });
      return mail(composeMessage(await o.templates.triplet('backup-recovery'), vars, undefined), composePager(await o.templates.pager('pager-recovery'), vars));
    }
    case 'storm': {
      const others = Object.keys(o.config.sets).filter((s) => s !== o.set);
      const names = others.length >= 2 ? others.slice(0, 11) : ['database', 'photos', 'mail'];
      const failure = (set: string, i: number) => ({ set, status: 'failed', firstError: CAUSE, activityId: event.activityId + i, endedAt: o.now + i * 1_000 });
      const vars = stormVars(o.host, { first: failure(o.set, 0), held: names.map((s, i) => failure(s, i + 1)) }, n.stormWindow || 30_000, undefined, timezone);
      return mail(composeMessage(await o.templates.triplet('storm'), vars, undefined), composePager(await o.templates.pager('pager-storm'), vars));
    }
    case 'escalation': {
      const subject = composeMessage(await o.templates.triplet('backup-alert'), alertVars, rule.subject).subject;
      const e = { subject, reason: 'profile office paused: 535 5.7.8 Authentication credentials invalid', messageAt: o.now - 20 * 60_000, profile: 'office', trigger: 'paused' as const };
      const line = composePager(await o.templates.pager('pager-escalation'), escalationVars(o.host, e, 1, timezone));
      // What the next delivered notification starts with (there is no template: it is fixed text).
      const preface = prefaceLines([{ ...e, id: 1, outboxId: 'sample', kind: 'backup.failed', escalatedAt: o.now, reportedAt: null }], timezone).join('\n');
      return { kind, subject: line, text: `${preface}\n\n(the next notification's own text follows)\n`, html: null, pager: line };
    }
    case 'service-fault': {
      const vars = faultVars(o.host, { fault: 'vault-unreachable', detail: `${o.set}: ${CAUSE}`, set: o.set, at: o.now }, n.remindEvery, timezone);
      return mail(composeMessage(await o.templates.triplet('service-fault'), vars, undefined), composePager(await o.templates.pager('pager-fault'), vars));
    }
    case 'host-silent':
    case 'host-recovered': {
      const sets = Object.entries(o.config.sets).map(([name, set]) => ({ name, schedule: set.schedule ?? null }));
      const silence = { host: { name: 'web02', version: '0.1.0', sets, stoppedAt: null }, since: o.now - 14 * 60_000, now: o.now };
      const vars = hostSilenceVars(silence, o.host, o.config.fleet.silentAfter, timezone);
      const pager = kind === 'host-silent' ? 'pager-host-silent' : 'pager-host-recovered';
      return mail(composeMessage(await o.templates.triplet(kind), vars, undefined), composePager(await o.templates.pager(pager), vars));
    }
  }
}

function sampleEvent(set: string, engine: string, now: number): BackupEvent {
  return {
    kind: 'backup.failed',
    status: 'failed',
    set,
    engine,
    activityId: 1234,
    trigger: 'schedule',
    startedAt: now - 4 * 60_000 - 12_000,
    endedAt: now,
    scheduledFor: now - 4 * 60_000 - 12_000,
    counters: { files: 18_204, bytesScanned: 7_340_032_000, bytesNew: 0, errors: 1, warnings: 1 },
    firstError: CAUSE,
    snapshotId: null,
    at: now,
  };
}
