// `detc test` output for people and for CI systems: pretty text, JSON, JUnit XML (the Ant
// JUnit schema CI servers read) and SARIF 2.1.0 (code-scanning annotations at the failing
// test in the rule file).
import { hostname } from 'node:os';
import { printable, type Diagnostic } from '../diagnostics.ts';
import type { TestOutcome } from './harness.ts';

export type ReporterName = 'pretty' | 'json' | 'junit' | 'sarif';
export const REPORTERS: readonly ReporterName[] = ['pretty', 'json', 'junit', 'sarif'];

export interface ReportInput {
  readonly outcomes: readonly TestOutcome[];
  /** Problems found before replay (e.g. a generated query that failed validation). */
  readonly diagnostics: readonly Diagnostic[];
  readonly version: string;
  readonly startedAt: Date;
}

export function formatReport(reporter: ReporterName, input: ReportInput): string {
  switch (reporter) {
    case 'pretty': return pretty(input);
    case 'json': return `${JSON.stringify(jsonReport(input), null, 2)}\n`;
    case 'junit': return junit(input);
    case 'sarif': return `${JSON.stringify(sarif(input), null, 2)}\n`;
  }
}

const failedCount = (outcomes: readonly TestOutcome[]) => outcomes.filter((o) => o.failures.length).length;

function pretty({ outcomes }: ReportInput): string {
  const lines = outcomes.map((o) => `${o.failures.length ? 'FAIL' : 'ok  '} ${o.rule.document.name} › ${printable(o.test.name, { newlines: false })} [${o.target}]${o.failures.map((f) => `\n       ${printable(f, { newlines: false })}`).join('')}`);
  const failed = failedCount(outcomes);
  const rules = new Set(outcomes.map((o) => o.rule.document.name)).size;
  const targets = [...new Set(outcomes.map((o) => o.target))].join(', ');
  return `${lines.join('\n')}\n\n${outcomes.length - failed} passed, ${failed} failed (${rules} rules; ${targets})\n`;
}

function jsonReport({ outcomes, diagnostics }: ReportInput) {
  const failed = failedCount(outcomes);
  return {
    passed: outcomes.length - failed,
    failed,
    diagnostics,
    tests: outcomes.map((o) => ({
      rule: o.rule.document.name, file: o.rule.file, test: o.test.name, target: o.target,
      passed: o.failures.length === 0, rows: o.rows.length, failures: o.failures, ms: Math.round(o.durationMs * 10) / 10,
    })),
  };
}

/** XML 1.0 text: escape markup, drop characters XML cannot carry at all. */
function xml(text: string): string {
  return text
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd')
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** One <testsuite> per rule; one <testcase> per test and target. */
function junit({ outcomes, diagnostics, startedAt }: ReportInput): string {
  const byRule = new Map<string, TestOutcome[]>();
  for (const o of outcomes) byRule.set(o.rule.file, [...(byRule.get(o.rule.file) ?? []), o]);
  const timestamp = startedAt.toISOString().slice(0, 19); // the schema's pattern has no zone
  const host = xml(hostname() || 'localhost');
  const suites = [...byRule].map(([file, cases], id) => {
    const rule = cases[0]!.rule.document.name;
    const seconds = (ms: number) => (ms / 1000).toFixed(3);
    const total = cases.reduce((s, c) => s + c.durationMs, 0);
    const problems = diagnostics.filter((d) => d.file === file);
    const testcases = cases.map((c) => {
      const head = `    <testcase name="${xml(`${c.test.name} [${c.target}]`)}" classname="${xml(`detc.${rule}`)}" time="${seconds(c.durationMs)}"`;
      if (!c.failures.length) return `${head}/>`;
      return `${head}>\n      <failure type="${c.target}" message="${xml(c.failures[0]!)}">${xml(c.failures.join('\n'))}</failure>\n    </testcase>`;
    });
    return [
      `  <testsuite package="${xml(file)}" id="${id}" name="${xml(rule)}" timestamp="${timestamp}" hostname="${host}" tests="${cases.length}" failures="${failedCount(cases)}" errors="0" time="${seconds(total)}">`,
      '    <properties/>',
      ...testcases,
      `    <system-out/>`,
      problems.length ? `    <system-err>${xml(problems.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`).join('\n'))}</system-err>` : '    <system-err/>',
      '  </testsuite>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}

function sarif({ outcomes, diagnostics, version }: ReportInput) {
  const rules = [...new Map(outcomes.map((o) => [o.rule.document.name, o.rule])).values()];
  const ruleIndex = new Map(rules.map((r, i) => [r.document.name, i]));
  const region = (line: number, col: number) => (line > 0 ? { region: { startLine: line, startColumn: Math.max(col, 1) } } : {});
  const results = [
    ...outcomes.filter((o) => o.failures.length).map((o) => {
      const at = o.rule.source.yaml.locate(['tests', o.test.index, 'name']);
      return {
        ruleId: o.rule.document.name,
        ruleIndex: ruleIndex.get(o.rule.document.name)!,
        level: 'error' as const,
        message: { text: `test '${o.test.name}' failed on ${o.target}: ${o.failures.join('; ')}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: o.rule.file }, ...region(at.line, at.col) } }],
      };
    }),
    ...diagnostics.map((d) => ({
      ruleId: 'detc/input',
      level: d.severity === 'error' ? ('error' as const) : ('warning' as const),
      message: { text: d.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: d.file }, ...region(d.line, d.col) } }],
    })),
  ];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0' as const,
    runs: [{
      tool: {
        driver: {
          name: 'detc',
          version,
          informationUri: 'https://github.com/detc/detc',
          rules: rules.map((r) => ({ id: r.document.name, name: r.document.title, shortDescription: { text: r.document.title }, fullDescription: { text: r.document.description } })),
        },
      },
      results,
    }],
  };
}
