// Rule file (YAML text) → RuleSource: safe YAML, JSON Schema, name equals file name.
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { error, type Diagnostic } from '../diagnostics.ts';
import { projectPath } from '../paths.ts';
import { compileSchema, validateAgainstSchema } from './schema-validator.ts';
import type { RuleDocument, RuleSource } from './types.ts';
import { MAX_FILE_BYTES, parseYamlDocument } from './yaml-document.ts';

let validateRule: ReturnType<typeof compileSchema> | undefined;

export function ruleSchema(): object {
  return JSON.parse(readFileSync(projectPath('schemas/rule.schema.json'), 'utf8')) as object;
}

/** Parse and schema-check one rule file. `file` is shown in messages; `path` is read. */
export function loadRuleFile(path: string, file: string): { rule?: RuleSource; diagnostics: Diagnostic[] } {
  const whole = { file, line: 0, col: 0 };
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { diagnostics: [error(whole, 'no such file')] };
  }
  if (size > MAX_FILE_BYTES) return { diagnostics: [error(whole, `file is larger than ${MAX_FILE_BYTES / 1024} KiB; a rule should be far smaller`)] };
  return parseRuleText(readFileSync(path, 'utf8'), file);
}

export function parseRuleText(text: string, file: string): { rule?: RuleSource; diagnostics: Diagnostic[] } {
  const parsed = parseYamlDocument(file, text);
  if (!parsed.doc) return { diagnostics: parsed.diagnostics };
  const yaml = parsed.doc;
  if (yaml.data === null || typeof yaml.data !== 'object' || Array.isArray(yaml.data)) {
    return { diagnostics: [error({ file, line: 1, col: 1 }, 'a rule file must be a YAML mapping (key: value lines)')] };
  }
  validateRule ??= compileSchema(ruleSchema());
  const diagnostics = validateAgainstSchema(validateRule, yaml);
  if (diagnostics.length) return { diagnostics };
  const document = yaml.data as RuleDocument;
  const expectedName = basename(file, extname(file));
  if (document.name !== expectedName) {
    diagnostics.push(error(yaml.locate(['name']), `name '${document.name}' must equal the file name '${expectedName}'`));
    return { diagnostics };
  }
  return { rule: { file, document, yaml }, diagnostics };
}
