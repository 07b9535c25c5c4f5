// What `detc build` writes as a whole: every artifact kind for every rule, the same bytes on
// every build, and the ATT&CK Navigator layer (layer format 4.5).
import { describe, expect, it } from 'vitest';
import { buildDistFiles } from '../../generators/build.ts';
import { techniqueOf } from '../../generators/package/attack.ts';
import { DETC_VERSION } from '../../generators/package/version.ts';
import { loadCatalog } from '../../generators/catalog.ts';
import { parseConf } from '../../generators/package/conf.ts';
import { parseMacrosConf } from '../../generators/spl/macros.ts';
import { validateSpl } from '../../generators/spl/validate.ts';
import { makeWorkspace, VALID_RULE } from '../workspace.ts';
import { checkStanza, SAVEDSEARCHES } from './conf-spec.ts';
import { bundled, file } from './support.ts';

const { catalog, files } = bundled();

describe('detc build', () => {
  it('writes every artifact for every rule', () => {
    for (const rule of catalog.rules) {
      const name = rule.document.name;
      for (const path of [`splunk/${name}.spl`, `defender/${name}.kql`, `sentinel/${name}.kql`, `docs/${name}.md`]) expect(files.has(path), path).toBe(true);
      expect(files.has(rule.document.kind === 'detection' ? `sentinel/analytic-rules/${name}.yaml` : `sentinel/hunting-queries/${name}.yaml`)).toBe(true);
    }
    for (const path of ['splunk/detc/default/app.conf', 'splunk/detc/default/savedsearches.conf', 'splunk/detc/default/macros.conf', 'splunk/detc/metadata/default.meta', 'sentinel/azuredeploy.json', 'docs/index.html', 'attack-layer.json']) {
      expect(files.has(path), path).toBe(true);
    }
  });

  it('is deterministic: the same rules give the same paths, in order, and the same bytes', () => {
    const again = buildDistFiles(catalog);
    expect([...again.keys()]).toEqual([...files.keys()]);
    expect([...again.keys()]).toEqual([...files.keys()].sort());
    for (const [path, content] of again) expect(content, path).toBe(files.get(path));
    for (const [path, content] of files) expect(content.endsWith('\n'), `${path} ends with a newline`).toBe(true);
  });
});

describe('ATT&CK Navigator layer', () => {
  const layer = JSON.parse(file('attack-layer.json')) as { versions: Record<string, string>; domain: string; techniques: Array<{ techniqueID: string; score?: number; enabled: boolean; showSubtechniques: boolean; metadata?: Array<{ name: string; value: string }> }>; gradient: { maxValue: number } };

  it('is a 4.5 layer for Enterprise ATT&CK', () => {
    expect(layer.versions.layer).toBe('4.5');
    expect(layer.versions.attack).toMatch(/^\d+$/);
    expect(layer.domain).toBe('enterprise-attack');
    expect((layer as unknown as { description: string }).description).toContain(DETC_VERSION);
  });

  it('scores each technique by the rules that name it, and opens the parents of sub-techniques', () => {
    const expected = new Map<string, string[]>();
    for (const rule of catalog.rules) for (const id of rule.document.attack) expected.set(id, [...(expected.get(id) ?? []), rule.document.name]);
    for (const [id, names] of expected) {
      const t = layer.techniques.find((x) => x.techniqueID === id)!;
      expect(t.score, id).toBe(names.length);
      expect(t.metadata?.map((m) => m.value).sort()).toEqual([...names].sort());
    }
    for (const id of expected.keys()) {
      const parent = techniqueOf(id)!.parent;
      if (parent !== id) expect(layer.techniques.find((x) => x.techniqueID === parent)?.showSubtechniques, parent).toBe(true);
    }
    expect(layer.techniques.every((t) => /^T\d{4}(\.\d{3})?$/.test(t.techniqueID) && t.enabled)).toBe(true);
    expect(layer.gradient.maxValue).toBe(Math.max(...[...expected.values()].map((v) => v.length)));
  });
});

describe('rules of other shapes package too', () => {
  const detection = (name: string, body: string) => VALID_RULE
    .replace('name: sample-rule', `name: ${name}`)
    .replace('11111111-2222-4333-8444-555555555555', `11111111-2222-4333-8444-${String(name.length).padStart(12, '0')}`)
    .replace('title: Sample legacy sign-ins', `title: Sample ${name}`)
    .replace('kind: hunt', 'kind: detection')
    .replace('lookback: 1d', 'lookback: 1d\nschedule: 15m')
    .replace(/summarize:\n  by: \[user\]\n  compute:\n    sign_ins: count\(\)\n/, body)
    .replace('expect: { rows: 1 }', 'expect: { rows: 1 }\n  - name: none\n    events: []\n    expect: { rows: 0 }');
  const root = makeWorkspace({
    'detections/per-event.yml': detection('per-event', 'fields: [timestamp, user, src_ip, client_app]\n'),
    'detections/one-row.yml': detection('one-row', 'summarize:\n  compute:\n    sign_ins: count()\nhaving: sign_ins > 0\n'),
  });
  const catalog = loadCatalog(root);

  it('loads', () => expect(catalog.diagnostics).toEqual([]));

  it('a per-event detection alerts per row, suppressed by its fields; a one-row detection as a digest', () => {
    const files = buildDistFiles(catalog);
    const saved = parseConf(files.get('splunk/detc/default/savedsearches.conf')!);
    expect(saved.problems).toEqual([]);
    expect(saved.stanzas.flatMap((s) => checkStanza(SAVEDSEARCHES, s.name, s.settings))).toEqual([]);
    const macros = parseMacrosConf(files.get('splunk/detc/default/macros.conf')!).macros;
    for (const s of saved.stanzas) expect(validateSpl(s.settings.get('search')!, { macros }), s.name).toEqual([]);
    const perEvent = saved.stanzas.find((s) => s.name === 'detc - Sample per-event')!.settings;
    expect(perEvent.get('alert.digest_mode')).toBe('0');
    expect(perEvent.get('alert.suppress.fields')).toBe('userPrincipalName,ipAddress,clientAppUsed');
    expect(perEvent.get('cron_schedule')).toBe('5,20,35,50 * * * *');
    const oneRow = saved.stanzas.find((s) => s.name === 'detc - Sample one-row')!.settings;
    expect(oneRow.get('alert.digest_mode')).toBe('1');
    expect(oneRow.has('alert.suppress.fields')).toBe(false);
    expect(JSON.parse(files.get('sentinel/azuredeploy.json')!).resources).toHaveLength(2);
    expect(files.get('docs/per-event.md')).toContain('| `src_ip`');
  });
});
