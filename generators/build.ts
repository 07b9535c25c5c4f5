// `detc build`: every rule rendered for every target, as the files of dist/.
import type { Catalog } from './catalog.ts';
import { queryExtension, render, TARGETS } from './targets/index.ts';

export function buildDistFiles(catalog: Catalog): Map<string, string> {
  const files = new Map<string, string>();
  for (const rule of catalog.rules) {
    for (const target of TARGETS) {
      const rendered = render(rule.query, target);
      files.set(`${target}/${rule.document.name}.${queryExtension(target)}`, `${rendered.text}\n`);
    }
  }
  return files;
}
