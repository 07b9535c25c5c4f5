// The mustache templates of generators/package/templates/. A template says the shape of an
// artifact; how a value is written into it depends on the artifact's language, so each render
// names its format and `{{value}}` is encoded for it (JSON value, HTML text, .conf value,
// YAML scalar). `{{{value}}}` inserts text already written in that language (a YAML block, a
// list of .conf lines). JSON artifacts are parsed back and printed canonically, which also
// proves the template produced valid JSON.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type MustacheLibrary from 'mustache';
import { confValue } from './conf.ts';
import { yamlScalar } from './yaml-text.ts';

export type TemplateFormat = 'json' | 'html' | 'conf' | 'yaml' | 'text';

const TEMPLATE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'templates');
const cache = new Map<string, string>();
/** Loaded on first render: only packaging renders, and every command's start paid for it. */
let mustache: typeof MustacheLibrary | undefined;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

const ESCAPES: Record<TemplateFormat, (value: unknown) => string> = {
  json: (v) => JSON.stringify(v),
  yaml: yamlScalar,
  html: (v) => escapeHtml(String(v)),
  conf: (v) => confValue(String(v)),
  text: (v) => String(v),
};

export function renderTemplate(name: string, view: object, format: TemplateFormat): string {
  let template = cache.get(name);
  if (template === undefined) {
    template = readFileSync(join(TEMPLATE_DIR, name), 'utf8');
    cache.set(name, template);
  }
  mustache ??= createRequire(import.meta.url)('mustache') as typeof MustacheLibrary;
  const text = mustache.render(template, view, {}, { escape: ESCAPES[format] });
  return format === 'json' ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text;
}
