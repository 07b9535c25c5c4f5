// JSON Schema validation (ajv) with every error mapped to a line and column of the YAML.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { error, type Diagnostic } from '../diagnostics.ts';
import type { YamlDocument } from './yaml-document.ts';

export function compileSchema(schema: object): ValidateFunction {
  return new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(schema);
}

export function validateAgainstSchema(validate: ValidateFunction, doc: YamlDocument): Diagnostic[] {
  if (validate(doc.data)) return [];
  return explainErrors(validate.errors ?? [], doc);
}

const pathOf = (instancePath: string): string[] =>
  instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

const MODIFIERS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists', 'all', 'cased'];

function explainErrors(errors: readonly ErrorObject[], doc: YamlDocument): Diagnostic[] {
  // An anyOf failure also reports each branch's type mismatch at the same place: keep one
  // message that says what was expected, and drop the branch noise.
  const anyOfAt = new Map<string, ErrorObject>();
  for (const e of errors) if (e.keyword === 'anyOf') anyOfAt.set(e.instancePath, e);
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const push = (d: Diagnostic): void => {
    const key = `${d.line}:${d.col}:${d.message}`;
    if (!seen.has(key)) (seen.add(key), out.push(d));
  };
  for (const e of errors) {
    const path = pathOf(e.instancePath);
    const where = path.length ? `'${path.join('.')}'` : 'rule';
    switch (e.keyword) {
      case 'propertyNames':
      case 'if':
        break; // the nested error (with the offending name) says it better
      case 'anyOf':
        // When one branch failed deeper down (an unknown modifier inside a selection map),
        // that error is the one to show.
        if (errors.some((o) => o.keyword !== 'anyOf' && o.keyword !== 'type' && o.keyword !== 'propertyNames' && (o.instancePath === e.instancePath || o.instancePath.startsWith(`${e.instancePath}/`)))) break;
        push(error(doc.locate(path), `${where} must be ${(e.parentSchema as { description?: string })?.description ?? 'valid'}`));
        break;
      case 'type':
      case 'enum':
      case 'const':
        if (anyOfAt.has(e.instancePath) && e.keyword === 'type') break;
        push(error(doc.locate(path), e.keyword === 'enum'
          ? `${where} must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
          : `${where} ${e.message}`));
        break;
      case 'additionalProperties': {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
        push(error(doc.locate([...path, key], { key: true }),
          `unknown key '${key}'${path.length ? ` in '${path.join('.')}'` : ''}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`));
        break;
      }
      case 'required':
        push(error(doc.locate(path), `${where} is missing required key '${(e.params as { missingProperty: string }).missingProperty}'`));
        break;
      case 'pattern': {
        if (e.propertyName !== undefined) {
          push(error(doc.locate([...path, e.propertyName], { key: true }), explainBadKey(e.propertyName)));
        } else {
          const description = (e.parentSchema as { description?: string })?.description;
          push(error(doc.locate(path), `${where} has an invalid value${description ? `: expected ${description}` : ` (${e.message})`}`));
        }
        break;
      }
      default:
        push(error(doc.locate(path), `${where} ${e.message ?? 'is invalid'}`));
    }
  }
  return out;
}

function explainBadKey(key: string): string {
  const [name, ...modifiers] = key.split('|');
  const unknown = modifiers.filter((m) => !MODIFIERS.includes(m));
  if (unknown.length > 0) return `unknown modifier '${unknown[0]}' in '${key}' (known: ${MODIFIERS.join(', ')})`;
  return `invalid name '${name}': use lower_snake_case letters, digits and '_'`;
}
