import type { DetailLevel, RunStatus } from '../domain/run-status.js';
import type { FinalStatus } from '../domain/activity.js';
import type { Severity } from '../domain/message.js';

/** A set's rule after falling back to `notification.defaults` and the built-in defaults. */
export interface EffectiveRule {
  on: readonly RunStatus[];
  /** Recipients as written (groups or addresses); empty means "the admins". */
  to: readonly string[];
  pager: readonly string[];
  detail: DetailLevel;
  subject: string | undefined;
  after: number;
}

export interface RuleInput {
  on?: readonly RunStatus[] | undefined;
  to?: readonly string[] | undefined;
  pager?: readonly string[] | undefined;
  detail?: DetailLevel | undefined;
  subject?: string | undefined;
  after?: number | undefined;
}

/** What a user gets when neither the set nor notification.defaults says (DESIGN.md §4). */
export const DEFAULT_ON: readonly RunStatus[] = ['failed', 'incomplete', 'completed-with-errors', 'missed'];
/** Statuses that page and go out with critical priority (issue 6 §2). */
export const CRITICAL_STATUSES: readonly RunStatus[] = ['failed', 'incomplete', 'missed'];
/** Statuses that end a failing streak (and may send a recovery notice). */
export const SUCCESS_STATUSES: readonly FinalStatus[] = ['completed', 'completed-with-warnings'];

/** Key by key, the set's rule wins over the defaults; `pager` falls back to notification.pager. */
export function effectiveRule(set: RuleInput | undefined, defaults: RuleInput, notificationPager: readonly string[]): EffectiveRule {
  return {
    on: set?.on ?? defaults.on ?? DEFAULT_ON,
    to: set?.to ?? defaults.to ?? [],
    pager: set?.pager ?? defaults.pager ?? notificationPager,
    detail: set?.detail ?? defaults.detail ?? 'errors',
    subject: set?.subject ?? defaults.subject,
    after: set?.after ?? defaults.after ?? 1,
  };
}

export function isCritical(status: FinalStatus): boolean {
  return (CRITICAL_STATUSES as readonly string[]).includes(status);
}

export function severityOf(status: FinalStatus): Severity {
  if (isCritical(status)) return 'critical';
  if (status === 'completed-with-errors') return 'error';
  if (status === 'completed-with-warnings') return 'warning';
  return 'info';
}

/** Which log entries a detail level shows. */
export function detailIncludes(detail: DetailLevel, severity: Severity): boolean {
  switch (detail) {
    case 'status':
      return false;
    case 'errors':
      return severity === 'error' || severity === 'critical';
    case 'warnings':
      return severity !== 'info';
    case 'all':
      return true;
  }
}
