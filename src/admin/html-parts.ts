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

export function h3(text: string): string {
  return `<h3 style="margin:16px 0 6px 0;font-size:15px">${e(text)}</h3>`;
}

export function table(inner: string): string {
  return `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse">${inner}</table>`;
}

export function row(cells: string[], style: string, tag: 'td' | 'th' = 'td'): string {
  return `<tr>${cells.map((c) => `<${tag} style="${style}">${c}</${tag}>`).join('')}</tr>`;
}

export function badge(word: string, color: string): string {
  return `<span style="color:#fff;background:${color};padding:1px 5px;font-size:12px;font-weight:bold">${e(word)}</span>`;
}

export function statusColor(status: string | null): string {
  if (status === null) return '#777';
  return status === 'completed' ? COLOR.ok : status === 'completed-with-warnings' || status === 'skipped' || status === 'cancelled' || status === 'not run' ? COLOR.partial : COLOR.bad;
}

export function statusCell(status: string | null): string {
  return `<span style="color:${statusColor(status)}">${status === null ? 'never ran' : e(status)}</span>`;
}
