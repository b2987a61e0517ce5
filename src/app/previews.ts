import path from 'node:path';
import { manualPeriod } from '../admin/period.js';
import type { RenderedSummary } from '../admin/admin-process.js';
import type { RenderedFleetSummary } from '../admin/fleet-summary-source.js';
import type { VigilConfig } from '../config/schema/index.js';
import { VigilError } from '../domain/errors.js';
import type { SummaryKind } from '../domain/summary.js';
import { renderPreview, type Preview, type PreviewKind } from '../notify/preview.js';
import { TemplateError } from '../notify/template.js';
import { TemplateFiles } from '../notify/template-files.js';
import { buildAdmin } from './admin-wiring.js';
import type { AppContext } from './context.js';

/**
 * What `vigil notify preview` and `vigil admin daily|weekly --preview` print, and the console's
 * Notifications page shows: one code path for both, so the console never renders a message
 * differently from the command line (or from what is sent).
 */

/**
 * A sample of a notification kind with the configured templates (`notification.templates`, a
 * path relative to the configuration file). `set` defaults to the first set. A template that
 * cannot be read or rendered is ERR_NOTIFY_TEMPLATE naming the kind.
 */
export async function previewNotification(o: { config: VigilConfig; configFile: string; host: string; now: number }, kind: PreviewKind, set?: string): Promise<Preview> {
  const sets = Object.keys(o.config.sets);
  if (set !== undefined && !o.config.sets[set]) {
    throw new VigilError('ERR_SET_UNKNOWN', `--set ${set}: no backup set of that name`, { hint: sets.length ? `Defined sets: ${sets.join(', ')}.` : 'Define one under sets: in vigil.yaml.' });
  }
  const overrides = o.config.notification.templates;
  const templates = new TemplateFiles(overrides === undefined ? undefined : path.resolve(path.dirname(o.configFile), overrides));
  try {
    return await renderPreview(kind, { config: o.config, templates, host: o.host, now: o.now, set: set ?? sets[0] ?? 'documents' });
  } catch (error) {
    if (error instanceof TemplateError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new VigilError('ERR_NOTIFY_TEMPLATE', `template for ${kind}: ${(error as Error).message}`, { hint: `Fix the file in ${overrides ?? 'the templates directory'}; see docs/notifications.md for the variables.` });
    }
    throw error;
  }
}

/** The Daily or Weekly summary as it would be sent now (the last 24 hours or 7 days): read only, nothing sent or recorded. */
export async function previewSummary(app: AppContext, kind: SummaryKind): Promise<RenderedSummary> {
  const period = manualPeriod(kind, app.clock.now(), app.loaded.config.admin.timezone);
  return buildAdmin(app).process.preview(period);
}

/** What `vigil admin daily --preview` shows: this host's summary, or on a shared store the fleet's (docs/fleet.md). */
export async function previewAdminSummary(app: AppContext, kind: SummaryKind): Promise<RenderedSummary | RenderedFleetSummary> {
  const fleet = buildAdmin(app).fleet;
  if (!fleet) return previewSummary(app, kind);
  return fleet.process.summarize(manualPeriod(kind, app.clock.now(), app.loaded.config.admin.timezone));
}
