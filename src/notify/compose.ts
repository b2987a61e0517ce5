import type { ActivityLogEntry } from '../domain/activity.js';
import type { BackupEvent } from '../domain/events.js';
import { detailIncludes, type EffectiveRule } from './rules.js';
import type { NotifyAction, StreakState } from './streak.js';
import { formatTime } from '../domain/time-format.js';
import { renderTemplate, type TemplateVars } from './template.js';

/** Log lines shown in a message at most; the rest are counted ("and N more"). */
export const DETAIL_LINES_CAP = 20;
export const PAGER_MAX = 160;

/** A subject/text/HTML triplet as loaded (shipped or overridden). */
export interface TemplateSet {
  subject: string;
  text: string;
  html: string;
}

export interface ComposeInput {
  event: BackupEvent;
  action: Exclude<NotifyAction, 'none'>;
  rule: EffectiveRule;
  /** The streak after this run (alert, reminder) or the one that just ended (recovery). */
  streak: Pick<StreakState, 'failures' | 'failingSince' | 'lastStatus'>;
  log: readonly ActivityLogEntry[];
  logDropped: number;
  host: string;
  /** `admin.timezone` (undefined: the host's), for every time shown. */
  timezone?: string;
  /** Why the runs this catch-up run recovered from were missed (one message for both). */
  missedBefore?: string;
}

// Every time in a notification: `admin.timezone`, one format (src/domain/time-format.ts).
export { formatTime };

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** The log excerpt at the rule's detail level, capped, with "and N more". */
export function detailExcerpt(log: readonly ActivityLogEntry[], logDropped: number, rule: EffectiveRule): string {
  const shown = log.filter((entry) => detailIncludes(rule.detail, entry.severity));
  if (shown.length === 0) return '';
  const lines = shown.slice(0, DETAIL_LINES_CAP).map((e) => `${e.severity.toUpperCase()}: ${e.message}${e.path ? ` (${e.path})` : ''}`);
  const more = shown.length - lines.length + (rule.detail === 'status' ? 0 : logDropped);
  if (more > 0) lines.push(`… and ${more} more`);
  return lines.join('\n');
}

/** Every variable a template may use (documented in docs/notifications.md). */
export function templateVars(input: ComposeInput): TemplateVars {
  const { event, streak } = input;
  const at = (ms: number | null) => formatTime(ms, input.timezone);
  return {
    set: event.set,
    status: event.status,
    statusUpper: event.status.toUpperCase(),
    action: input.action,
    engine: event.engine,
    host: input.host,
    activityId: event.activityId,
    trigger: event.trigger,
    when: at(event.endedAt),
    startedAt: at(event.startedAt),
    endedAt: at(event.endedAt),
    scheduledFor: at(event.scheduledFor),
    duration: formatDuration(event.endedAt - event.startedAt),
    firstError: event.firstError ?? '',
    files: event.counters.files,
    errors: event.counters.errors,
    warnings: event.counters.warnings,
    bytesNew: event.counters.bytesNew,
    snapshotId: event.snapshotId ?? '',
    failures: streak.failures,
    failingSince: at(streak.failingSince),
    previousStatus: streak.lastStatus ?? '',
    missedBefore: input.missedBefore ? ` This run caught up after the missed ones: ${input.missedBefore}.` : '',
    reminder: input.action === 'reminder' ? 'yes' : '',
    detail: detailExcerpt(input.log, input.logDropped, input.rule),
  };
}

export interface Composed {
  subject: string;
  text: string;
  html: string;
}

/** Renders a triplet; a rule's `subject` (itself a template) overrides the template's subject. */
export function composeMessage(templates: TemplateSet, vars: TemplateVars, subjectOverride: string | undefined): Composed {
  return {
    subject: renderTemplate(subjectOverride ?? templates.subject, vars, 'line'),
    text: renderTemplate(templates.text, vars, 'text'),
    html: renderTemplate(templates.html, vars, 'html'),
  };
}

// `/path/to/script exited with status N` as the command and restic engines word it.
const EXITED = /(^|\s)(?:[^\s/]*\/)*([^\s/]+) exited with status (\d+)/g;
// An absolute path of three parts or more (not inside a URL: no ':' or '/' just before it).
const LONG_PATH = /(?<![\w.~:/-])\/(?:[^\s/]+\/){2,}[^\s/]*/g;

/**
 * An error as a pager line shows it: the 160 characters go to the cause, not to directories.
 * A program's exit loses its directory (`pg_dump_like.sh exited 1: …`), other long paths keep
 * their last two parts (`…/acme/db.lock`). The e-mail always carries the text whole.
 */
export function pagerText(text: string): string {
  return text
    .replace(EXITED, (_all, lead: string, program: string, status: string) => `${lead}${program} exited ${status}`)
    .replace(LONG_PATH, (found) => `…/${found.split('/').filter(Boolean).slice(-2).join('/')}`);
}

// The variables holding error text in the pager templates (pager, pager-storm, pager-fault, pager-escalation).
const ERROR_VARS = ['firstError', 'cause', 'detail', 'reason'] as const;

/**
 * The pager form: one plain line of at most PAGER_MAX characters, whatever the template says,
 * with its error texts shortened by pagerText.
 */
export function composePager(template: string, vars: TemplateVars): string {
  const shortened: Record<string, TemplateVars[string]> = { ...vars };
  for (const name of ERROR_VARS) {
    const value = vars[name];
    if (typeof value === 'string') shortened[name] = pagerText(value);
  }
  const line = renderTemplate(template, shortened, 'line');
  const chars = [...line];
  return chars.length <= PAGER_MAX ? line : `${chars.slice(0, PAGER_MAX - 1).join('')}…`;
}
