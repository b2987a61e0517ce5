/** How bad an event or message is (DESIGN.md §3), least to most. */
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
