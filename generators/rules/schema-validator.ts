// JSON Schema validation (ajv) with every error mapped to a line and column of the YAML.
//
// Compiling a schema costs ajv ≈ 60 ms (the rule schema and the log-source schema: ≈ 0.1 s of
// every `detc test`), so a compiled validator is kept as ajv's standalone code (the same
// validating function, as a module) in validators/ of detc's cache folder (cache-dir.ts;
// DETC_NO_CACHE=1 turns it off), named for the schema, ajv's version and the options: loading it
// takes ≈ 1–2 ms. One that cannot be read or run is compiled again; the newest 20 are kept.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { detcCacheDir, keepNewest, writeWhole } from '../cache-dir.ts';
import { error, type Diagnostic } from '../diagnostics.ts';
import type { YamlDocument } from './yaml-document.ts';

const OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;

/**
 * ajv itself, loaded only to compile (≈ 30 ms of every command's start otherwise: a kept
 * validator needs only ajv's runtime helpers).
 */
function ajv(): { Ajv2020: typeof Ajv2020; standaloneCode: (ajv: Ajv2020, validate: ValidateFunction) => string } {
  const require = createRequire(import.meta.url);
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 };
  const { default: standaloneCode } = require('ajv/dist/standalone/index.js') as { default: (ajv: Ajv2020, validate: ValidateFunction) => string };
  return { Ajv2020: Ajv, standaloneCode };
}

export function compileSchema(schema: object, cacheDir: string | undefined = detcCacheDir('validators')): ValidateFunction {
  if (!cacheDir) return new (ajv().Ajv2020)(OPTIONS).compile(schema);
  const require = createRequire(import.meta.url);
  const version = (require('ajv/package.json') as { version: string }).version;
  const file = join(cacheDir, `${createHash('sha256').update(JSON.stringify([version, OPTIONS, schema])).digest('hex').slice(0, 32)}.cjs`);
  // The module's code requires ajv's runtime helpers (ajv/dist/runtime/…): resolved from here.
  const load = (code: string): ValidateFunction => {
    const module = { exports: {} as unknown };
    new Function('require', 'module', 'exports', code)(require, module, module.exports);
    if (typeof module.exports !== 'function') throw new Error('not a validator');
    return module.exports as ValidateFunction;
  };
  try {
    return load(readFileSync(file, 'utf8'));
  } catch {
    // Not made yet, or not usable: compile, and keep the code.
  }
  const { Ajv2020: Ajv, standaloneCode } = ajv();
  const compiler = new Ajv({ ...OPTIONS, code: { source: true } });
  const validate = compiler.compile(schema);
  try {
    const code = standaloneCode(compiler, validate);
    load(code);
    writeWhole(file, code);
    keepNewest(cacheDir, '.cjs', MAX_VALIDATORS);
  } catch {
    // A read-only or full disk: compiled each time.
  }
  return validate;
}

/** `kind` names the whole document in messages about it ('rule', 'log source'). */
export function validateAgainstSchema(validate: ValidateFunction, doc: YamlDocument, kind = 'rule'): Diagnostic[] {
  if (validate(doc.data)) return [];
  return explainErrors(validate.errors ?? [], doc, kind);
}

/** Validators of schemas edited since are never read again: the newest MAX_VALIDATORS are kept. */
const MAX_VALIDATORS = 20;

const pathOf = (instancePath: string): string[] =>
  instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

const MODIFIERS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'gt', 'gte', 'lt', 'lte', 'exists', 'all', 'cased'];

function explainErrors(errors: readonly ErrorObject[], doc: YamlDocument, kind: string): Diagnostic[] {
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
    const where = path.length ? `'${path.join('.')}'` : kind;
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
