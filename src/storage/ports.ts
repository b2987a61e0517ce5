/**
 * DEPRECATED barrel: every store port now lives in its own file under src/storage/ports/
 * (store.ts is the handle holding them all). This file exists only so branches written against
 * the old single file still merge; new code imports the specific file. The lead removes it once
 * the in-flight branches have landed (ESLint warns on every import of it meanwhile).
 */
export type * from './ports/activity-store.js';
export type * from './ports/admin-run-store.js';
export type * from './ports/alert-pause-store.js';
export type * from './ports/escalation-store.js';
export type * from './ports/hand-off-store.js';
export type * from './ports/housekeeping-store.js';
export type * from './ports/notify-state-store.js';
export type * from './ports/outbox-store.js';
export type * from './ports/profile-state-store.js';
export type * from './ports/schedule-state-store.js';
export type * from './ports/storm-store.js';
export type * from './ports/summary-store.js';
export type * from './ports/vault-check-rotation-store.js';
export type * from './ports/watchdog-state-store.js';
export type * from './ports/store.js';
