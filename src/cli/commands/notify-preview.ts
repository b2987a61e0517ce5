import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { VigilError } from '../../domain/errors.js';
import { previewNotification } from '../../app/previews.js';
import { PREVIEW_KINDS, type PreviewKind } from '../../notify/preview.js';
import { EXIT, type Command } from '../command.js';
import { printJson } from '../output.js';
import { configuredHostname } from '../../app/hostname.js';

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
    const host = configuredHostname(config);
    const preview = await previewNotification({ config, configFile: ctx.configFile, host, now: Date.now() }, kind as PreviewKind, values.set === undefined ? undefined : String(values.set));
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
