import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate, TemplateError } from '../../src/notify/template.js';
import { composePager, detailExcerpt, PAGER_MAX } from '../../src/notify/compose.js';
import { effectiveRule } from '../../src/notify/rules.js';
import type { ActivityLogEntry } from '../../src/domain/activity.js';

test('template: variables, sections, inverted sections', () => {
  const src = 'a {{x}}{{#y}} y={{y}}{{/y}}{{^z}} no-z{{/z}}';
  assert.equal(renderTemplate(src, { x: 1, y: 'Y', z: '' }, 'text'), 'a 1 y=Y no-z');
  assert.equal(renderTemplate(src, { x: 1, y: '', z: 'Z' }, 'text'), 'a 1');
});

test('template: html mode escapes every value', () => {
  const out = renderTemplate('<p>{{path}}</p>', { path: '/srv/<script>alert("x")</script>&\'' }, 'html');
  assert.equal(out, '<p>/srv/&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;</p>');
});

test('template: line mode folds newlines (no header injection via a value)', () => {
  assert.equal(renderTemplate('[V] {{e}}', { e: 'bad\r\nBcc: evil@example.com' }, 'line'), '[V] bad Bcc: evil@example.com');
});

test('template: unknown variable and unbalanced section are errors', () => {
  assert.throws(() => renderTemplate('{{nope}}', {}, 'text'), TemplateError);
  assert.throws(() => renderTemplate('{{#a}}x', { a: '1' }, 'text'), TemplateError);
});

test('template: standalone section lines vanish in text', () => {
  assert.equal(renderTemplate('a\n{{#b}}\nB\n{{/b}}\nc\n', { b: '' }, 'text'), 'a\nc\n');
  assert.equal(renderTemplate('a\n{{#b}}\nB\n{{/b}}\nc\n', { b: '1' }, 'text'), 'a\nB\nc\n');
});

test('pager: never longer than 160 characters, one line', () => {
  const line = composePager('{{set}} {{e}}', { set: 'docs', e: 'x\n'.repeat(500) });
  assert.ok([...line].length <= PAGER_MAX, `${line.length}`);
  assert.ok(!/[\r\n]/.test(line));
  assert.equal(composePager('{{set}} ok', { set: 'docs' }), 'docs ok');
});

test('detail: errors level caps at 20 lines with "and N more"', () => {
  const log: ActivityLogEntry[] = Array.from({ length: 30 }, (_, i) => ({ seq: i, severity: i % 2 ? 'error' : 'warning', message: `m${i}`, path: null }));
  const errors = detailExcerpt(log, 0, effectiveRule({ detail: 'errors' }, {}, []));
  assert.equal(errors.split('\n').length, 15);
  assert.ok(!errors.includes('WARNING'));
  const warnings = detailExcerpt(log, 4, effectiveRule({ detail: 'warnings' }, {}, []));
  assert.equal(warnings.split('\n').length, 21);
  assert.match(warnings, /and 14 more$/);
  assert.equal(detailExcerpt(log, 0, effectiveRule({ detail: 'status' }, {}, [])), '');
});

test('template: a value containing {{ … }} is data, never template syntax (issue 18 §1)', () => {
  const value = 'cannot lock /srv/{{cookiecutter.slug}}/db.lock {{#x}}{{/x}} {{';
  for (const mode of ['text', 'line'] as const) assert.equal(renderTemplate('E: {{e}}', { e: value }, mode), `E: ${value}`);
  assert.equal(renderTemplate('<p>{{e}}</p>', { e: '{{a}}' }, 'html'), '<p>{{a}}</p>');
  // A template's own stray {{ is still a typo worth reporting.
  assert.throws(() => renderTemplate('a {{ b', { e: '' }, 'text'), /malformed/);
});

test('template: line mode turns every control character into a space (an ESC or NUL in an error must not void the subject)', () => {
  assert.equal(renderTemplate('[V] {{e}} end', { e: '\u001b[31mred\u0000x' }, 'line'), '[V] [31mred x end');
});
