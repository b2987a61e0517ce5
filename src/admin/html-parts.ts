import { escapeHtml } from '../notify/template.js';

/**
 * The building blocks of the HTML summary. Mail clients strip <style>, scripts and remote
 * images, so everything is a table with inline styles. Every value passed in as text must go
 * through `e` first: set names, error text and host names may come from a hostile source.
 */
export const COLOR = { bad: '#c62828', partial: '#ef8f00', ok: '#2e7d32', none: '#d0d0d0' } as const;
// Repeated in every cell of large tables: kept short (td is left-aligned by default; th is not).
export const CELL = 'padding:3px 8px;border-bottom:1px solid #e5e5e5;vertical-align:top';
export const HEAD = `${CELL};text-align:left;background:#f3f3f3;font-weight:bold`;
export const NOTE = 'color:#777;font-size:12px';
export const e = escapeHtml;

/**
 * The one <style> block: on a phone (<= 600 px) the sets table becomes one block per set — its
 * name, then its values as labelled items that wrap — instead of eight columns wider than the
 * screen. Clients that drop <style> keep the table, inside a wrapper that scrolls sideways
 * (SETS_WRAPPER), so the rest of the message still fits. Child combinators keep the rules off
 * the trend bars' own nested table. Labels come from the CSS, not from each cell, so a large
 * installation's summary does not grow by a label per cell.
 */
export const SETS_CLASS = 'vigil-sets';
const SETS_LABELS = ['', '', 'Runs', 'Scanned', 'Added', 'Took', 'Last success', 'Trend'];
const cellOf = (n: number) => `table.${SETS_CLASS}>tbody>tr>td:nth-child(${n})`;
export const RESPONSIVE_STYLE = [
  '<style>@media (max-width:600px){',
  `table.${SETS_CLASS},table.${SETS_CLASS}>tbody,table.${SETS_CLASS}>tbody>tr{display:block;width:100%!important}`,
  `table.${SETS_CLASS}>tbody>tr:first-child{display:none}`,
  `table.${SETS_CLASS}>tbody>tr{padding:6px 0;border-bottom:1px solid #e5e5e5}`,
  `table.${SETS_CLASS}>tbody>tr>td{display:inline-block;border:0!important;padding:2px 12px 2px 8px!important}`,
  `${cellOf(1)}{display:block;font-weight:bold}`,
  ...SETS_LABELS.map((label, i) => (label ? `${cellOf(i + 1)}:before{content:"${label} ";color:#777}` : '')).filter(Boolean),
  '}</style>',
].join('');
/** Around the sets table: without the <style> above, the table scrolls, not the whole message. */
export const SETS_WRAPPER = 'overflow-x:auto;max-width:100%';

export function h3(text: string): string {
  return `<h3 style="margin:16px 0 6px 0;font-size:15px">${e(text)}</h3>`;
}

export function table(inner: string, className?: string): string {
  return `<table${className ? ` class="${className}"` : ''} cellpadding="0" cellspacing="0" style="border-collapse:collapse">${inner}</table>`;
}

export function row(cells: string[], style: string, tag: 'td' | 'th' = 'td'): string {
  return `<tr>${cells.map((c) => `<${tag} style="${style}">${c}</${tag}>`).join('')}</tr>`;
}

export function badge(word: string, color: string): string {
  // nowrap: the body lets long paths wrap anywhere, which would split a badge into letters.
  return `<span style="color:#fff;background:${color};padding:1px 5px;font-size:12px;font-weight:bold;white-space:nowrap">${e(word)}</span>`;
}

export function statusColor(status: string | null): string {
  if (status === null) return '#777';
  return status === 'completed' ? COLOR.ok : status === 'completed-with-warnings' || status === 'skipped' || status === 'cancelled' || status === 'interrupted' || status === 'not run' ? COLOR.partial : COLOR.bad;
}

export function statusCell(status: string | null): string {
  return `<span style="color:${statusColor(status)}">${status === null ? 'never ran' : e(status)}</span>`;
}
