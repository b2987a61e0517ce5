/** Run statuses and e-mail detail levels (DESIGN.md §3). */
export const RUN_STATUSES = ['completed', 'completed-with-warnings', 'completed-with-errors', 'incomplete', 'failed', 'missed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const DETAIL_LEVELS = ['status', 'errors', 'warnings', 'all'] as const;
export type DetailLevel = (typeof DETAIL_LEVELS)[number];
