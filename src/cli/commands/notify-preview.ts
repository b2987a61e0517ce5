import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { VigilError } from '../../domain/errors.js';
import { PREVIEW_KINDS, renderPreview, type PreviewKind } from '../../notify/preview.js';
import { TemplateError } from '../../notify/template.js';
import { TemplateFiles } from '../../notify/template-files.js';
import { EXIT, type Command } from '../command.js';
import { printJson } from '../output.js';

export const notifyPreviewCommand: Command = {
  name: 'notify preview',
  summary: 'print a rendered sample of a notification, with the configured templates',
  usage: `KIND [--set S] [--html FILE] [--json]   KIND: ${PREVIEW_KINDS.join(' | ')}`,
  options: { set: { type: 'string' }, html: { type: 'string' } },
  positionals: true,
  exitCodes: { 0: 'rendered', 1: 'a template could not be read or rendered (the message says which)', 2: 'usage or configuration error' },
  async run(ctx, { values, positionals }) {
    const [kind, extra] = positionals;
    if (!kind || extra !== undefined || !(PREVIEW_KINDS as readonly string[]).includes(kind)) {
      throw new VigilError('ERR_USAGE', kind && !extra ? `unknown notification kind "${kind}"` : 'give exactly one notification kind', { hint: `Kinds: ${PREVIEW_KINDS.join(', ')}.` });
    }
    const { config } = loadConfig(ctx.configFile);
    const sets = Object.keys(config.sets);
    const set = values.set === undefined ? (sets[0] ?? 'documents') : String(values.set);
    if (values.set !== undefined && !config.sets[set]) {
      throw new VigilError('ERR_SET_UNKNOWN', `--set ${set}: no backup set of that name`, { hint: sets.length ? `Defined sets: ${sets.join(', ')}.` : 'Define one under sets: in vigil.yaml.' });
    }
    const overrides = config.notification.templates;
    const templates = new TemplateFiles(overrides === undefined ? undefined : path.resolve(path.dirname(ctx.configFile), overrides));
    let preview;
    try {
      preview = await renderPreview(kind as PreviewKind, { config, templates, host: config.hostname ?? hostname(), now: Date.now(), set });
    } catch (error) {
      if (error instanceof TemplateError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new VigilError('ERR_NOTIFY_TEMPLATE', `template for ${kind}: ${(error as Error).message}`, { hint: `Fix the file in ${overrides ?? 'the templates directory'}; see docs/notifications.md for the variables.` });
      }
      throw error;
    }
    if (values.html !== undefined) {
      if (preview.html === null) throw new VigilError('ERR_USAGE', `--html: a ${kind} message has no HTML part`, { hint: 'Use --html with backup-alert, backup-recovery, storm, service-fault, host-silent or host-recovered.' });
      writeFileSync(path.resolve(String(values.html)), preview.html);
    }
    if (ctx.json) {
      printJson(ctx.stdout, preview);
      return EXIT.ok;
    }
    ctx.stdout.write(`Subject: ${preview.subject}\n\n${preview.text.replace(/\n*$/, '\n')}`);
    if (preview.pager !== null && kind !== 'pager') ctx.stdout.write(`\n--- pager (${[...preview.pager].length} chars) ---\n${preview.pager}\n`);
    if (values.html !== undefined) ctx.stdout.write(`\nHTML written to ${path.resolve(String(values.html))}\n`);
    return EXIT.ok;
  },
};
