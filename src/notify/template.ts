/**
 * The smallest template language that does the job: `{{name}}` substitutes a variable,
 * `{{#name}}…{{/name}}` keeps its inside only when the variable is non-empty, `{{^name}}…{{/name}}`
 * only when it is empty. There is no way to insert raw HTML: in HTML templates every value is
 * escaped, because every value (paths, error text, set names) may come from a hostile source.
 * Unknown variables are errors, so a typo in an override is reported instead of mailed as blank.
 */
export type TemplateVars = Readonly<Record<string, string | number | null | undefined>>;

export type TemplateMode = 'text' | 'html' | 'line';

export class TemplateError extends Error {}

const SECTION = /\{\{([#^])\s*([\w.]+)\s*\}\}([\s\S]*?)\{\{\/\s*\2\s*\}\}/g;
const VARIABLE = /\{\{\s*([\w.]+)\s*\}\}/g;

export function renderTemplate(source: string, vars: TemplateVars, mode: TemplateMode): string {
  const lookup = (name: string): string => {
    if (!Object.prototype.hasOwnProperty.call(vars, name)) throw new TemplateError(`unknown variable {{${name}}}`);
    const value = vars[name];
    return value === null || value === undefined ? '' : String(value);
  };
  let previous: string;
  // A section tag alone on its line takes its line with it, so text templates stay tidy.
  let out = source.replace(/^[ \t]*(\{\{[#^/][^}]*\}\})[ \t]*\r?\n/gm, '$1');
  // Sections may nest: expand from the inside out until nothing changes.
  do {
    previous = out;
    out = out.replace(SECTION, (_all, sign: string, name: string, body: string) => ((lookup(name) !== '') === (sign === '#') ? body : ''));
  } while (out !== previous);
  if (/\{\{[#^/]/.test(out)) throw new TemplateError('unbalanced {{#section}}');
  // Checked before substitution, and substitution is one pass: a value is data, so a path like
  // /srv/{{cookiecutter.slug}} in an error is shown as written, never read as a tag.
  if (out.replace(VARIABLE, '').includes('{{')) throw new TemplateError('malformed {{…}}');
  out = out.replace(VARIABLE, (_all, name: string) => {
    const value = lookup(name);
    if (mode === 'html') return escapeHtml(value);
    // Every control character, not only line breaks: an ESC from a coloured tool's output or a
    // NUL in a subject would make the header check refuse the whole message.
    if (mode === 'line') return value.replace(/[\u0000-\u001f\u007f]+/g, ' ');
    return value;
  });
  return mode === 'line' ? out.replace(/\s+/g, ' ').trim() : out;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}
