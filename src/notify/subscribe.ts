import path from 'node:path';
import type { EventBus } from '../app/event-bus.js';
import type { VigilConfig } from '../config/schema/index.js';
import { BACKUP_EVENT_KINDS, type BackupEvent } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Store } from '../storage/ports.js';
import { BackupNotifier } from './backup-notifier.js';
import { TemplateFiles } from './template-files.js';

/** Wires per-set notification rules to every backup event kind. Returns the notifier (tests, shutdown). */
export function subscribeBackupNotifier(deps: { events: EventBus; config: VigilConfig; outbox: Outbox; store: Store; log: Logger; host: string; baseDir: string }): BackupNotifier {
  const overrides = deps.config.notification.templates;
  const notifier = new BackupNotifier({
    config: deps.config,
    outbox: deps.outbox,
    state: deps.store.notifyState,
    activity: deps.store.activity,
    templates: new TemplateFiles(overrides === undefined ? undefined : path.resolve(deps.baseDir, overrides)),
    log: deps.log,
    host: deps.host,
  });
  for (const kind of BACKUP_EVENT_KINDS) deps.events.on(kind, (event) => notifier.handle(event as BackupEvent));
  return notifier;
}
