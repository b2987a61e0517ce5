import type { AppContext } from '../../app/context.js';
import { previewNotification, previewSummary } from '../../app/previews.js';
import { PREVIEW_KINDS, type PreviewKind } from '../../notify/preview.js';

/** Every message the Notifications page can preview: each alert kind, then the two summaries. */
export const CONSOLE_PREVIEW_KINDS = [...PREVIEW_KINDS, 'summary-daily', 'summary-weekly'] as const;
export type ConsolePreviewKind = (typeof CONSOLE_PREVIEW_KINDS)[number];

export interface PreviewView {
  kind: ConsolePreviewKind;
  subject: string;
  text: string;
  html: string | null;
  pager: string | null;
  /** The set an alert sample is about (null for a summary). */
  set: string | null;
}

export function isPreviewKind(kind: string): kind is ConsolePreviewKind {
  return (CONSOLE_PREVIEW_KINDS as readonly string[]).includes(kind);
}

/**
 * A preview as `vigil notify preview KIND [--set S]` or `vigil admin daily|weekly --preview`
 * prints it (the same functions): alert kinds are samples with the configured templates, a
 * summary is built from the store as it would be sent now. Throws VigilError for an unknown set
 * or a broken template.
 */
export async function loadPreview(app: AppContext, kind: ConsolePreviewKind, set?: string): Promise<PreviewView> {
  if (kind === 'summary-daily' || kind === 'summary-weekly') {
    const rendered = await previewSummary(app, kind === 'summary-daily' ? 'daily' : 'weekly');
    return { kind, subject: rendered.summary.subject, text: rendered.text, html: rendered.html, pager: null, set: null };
  }
  const { config, file } = app.loaded;
  const chosen = set ?? Object.keys(config.sets)[0] ?? 'documents';
  const preview = await previewNotification({ config, configFile: file, host: app.hostname, now: app.clock.now() }, kind as PreviewKind, set);
  return { kind, subject: preview.subject, text: preview.text, html: preview.html, pager: preview.pager, set: chosen };
}
