// dist/attack-layer.json: an ATT&CK Navigator layer (layer format 4.5) scoring each technique
// by the number of rules that name it; a sub-technique's parent is listed (unscored unless a
// rule names it too) so the Navigator opens it. Format:
// https://github.com/mitre-attack/attack-navigator/blob/master/layers/spec/v4.5/layerformat.md
import { ATTACK_TECHNIQUE_URL } from './attack.ts';
import type { PackageContent } from './model.ts';
import { renderTemplate } from './templates.ts';

/** The ATT&CK release the technique table follows. */
export const ATTACK_VERSION = '18';
export const NAVIGATOR_VERSION = '5.1.0';

export function attackLayer(content: PackageContent): string {
  const byTechnique = new Map<string, { name: string; rules: string[]; titles: string[] }>();
  const parents = new Set<string>();
  for (const rule of content.rules) {
    for (const t of rule.techniques) {
      const entry = byTechnique.get(t.id) ?? { name: t.name, rules: [], titles: [] };
      entry.rules.push(rule.doc.name);
      entry.titles.push(rule.doc.title);
      byTechnique.set(t.id, entry);
      if (t.parent !== t.id) parents.add(t.parent);
    }
  }
  const techniques = [...new Set([...byTechnique.keys(), ...parents])].sort().map((id) => {
    const covered = byTechnique.get(id);
    const showSubtechniques = parents.has(id);
    if (!covered) return { techniqueID: id, enabled: true, showSubtechniques };
    return {
      techniqueID: id,
      score: covered.rules.length,
      comment: `${covered.rules.length} detc rule(s): ${covered.titles.join('; ')}`,
      enabled: true,
      metadata: covered.rules.map((name) => ({ name: 'rule', value: name })),
      links: [{ label: 'ATT&CK', url: ATTACK_TECHNIQUE_URL(id) }],
      showSubtechniques,
    };
  });
  const maxScore = Math.max(1, ...[...byTechnique.values()].map((e) => e.rules.length));
  return renderTemplate('attack-layer.json.mustache', {
    name: 'detc coverage',
    description: `Techniques the detc rules (${content.rules.length}) cover; score = number of rules. detc ${content.version}.`,
    attackVersion: ATTACK_VERSION,
    navigatorVersion: NAVIGATOR_VERSION,
    techniques,
    maxScore,
  }, 'json');
}
