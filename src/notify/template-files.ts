import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../domain/logger.js';
import type { TemplateSet } from './compose.js';
import { TemplateError } from './template.js';

/** Message kinds that have a subject/text/HTML triplet; pager forms are one `.txt` each. */
export type TripletName = 'backup-alert' | 'backup-recovery' | 'storm' | 'service-fault' | 'host-silent' | 'host-recovered';
export type PagerName = 'pager' | 'pager-recovery' | 'pager-storm' | 'pager-escalation' | 'pager-fault' | 'pager-host-silent' | 'pager-host-recovered';

/**
 * The templates shipped in the package (`templates/`): next to src/ when run from source,
 * two levels above dist/src/notify when built.
 */
export function shippedTemplatesDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../templates'), path.resolve(here, '../../../templates')];
  return candidates.find((dir) => existsSync(path.join(dir, 'pager.txt'))) ?? candidates[0]!;
}

/**
 * Reads templates on every use (they are tiny), so an administrator's edit to an override takes
 * effect on the next message without a restart. An override directory may hold any subset of
 * the files; each missing file comes from the shipped set.
 */
export class TemplateFiles {
  constructor(
    private readonly overrideDir: string | undefined,
    private readonly shippedDir: string = shippedTemplatesDir(),
  ) {}

  /** Whether any file of this name is overridden (so a broken override can fall back). */
  overrides(file: string): boolean {
    return this.overrideDir !== undefined && existsSync(path.join(this.overrideDir, file));
  }

  async triplet(name: TripletName, shippedOnly = false): Promise<TemplateSet> {
    const [subject, text, html] = await Promise.all([`${name}.subject.txt`, `${name}.text.txt`, `${name}.html`].map((f) => this.read(f, shippedOnly)));
    return { subject: subject!, text: text!, html: html! };
  }

  async pager(name: PagerName, shippedOnly = false): Promise<string> {
    return this.read(`${name}.txt`, shippedOnly);
  }

  tripletOverridden(name: TripletName): boolean {
    return [`${name}.subject.txt`, `${name}.text.txt`, `${name}.html`].some((f) => this.overrides(f));
  }

  private async read(file: string, shippedOnly: boolean): Promise<string> {
    const dir = !shippedOnly && this.overrides(file) ? this.overrideDir! : this.shippedDir;
    return readFile(path.join(dir, file), 'utf8');
  }
}

/**
 * Renders with the overrides, and when an override is broken (a typo, an unknown variable, a
 * file gone) reports it and renders with the shipped templates: an alert is never lost to a typo.
 */
export async function withShippedFallback<T>(name: string, log: Logger, render: (shippedOnly: boolean) => Promise<T>): Promise<T> {
  try {
    return await render(false);
  } catch (error) {
    if (!(error instanceof TemplateError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    log.warn(`notification template ${name} is broken, using the shipped one: ${(error as Error).message}`, { code: 'ERR_NOTIFY_TEMPLATE' });
    return render(true);
  }
}
