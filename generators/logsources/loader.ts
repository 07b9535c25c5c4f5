// schemas/logsources/<name>.yml → LogSource, checked against schemas/logsource.schema.json
// and for internal consistency (every mapping names a listed column).
import { readFileSync, readdirSync } from 'node:fs';
import { join, basename } from 'node:path';
import { error, InputError, type Diagnostic } from '../diagnostics.ts';
import { parseYamlDocument } from '../rules/yaml-document.ts';
import { compileSchema, validateAgainstSchema } from '../rules/schema-validator.ts';
import { projectPath } from '../paths.ts';
import {
  TARGETS, type CanonicalField, type CanonicalType, type KqlType, type LogSource, type LogSourceProfile,
  type LogSourceExport, type NativeField, type SplunkType, type TargetName, type TargetSource,
} from './types.ts';

interface ProfileDocument {
  description: string; sourcetype?: string; macro?: string; macro_definition?: string; raw_time_field?: string;
  table?: string; filter?: string; constants?: Record<string, string | number | boolean>; references?: string[]; fields: Record<string, string>; unavailable?: Record<string, string>;
  columns: Record<string, KqlType | SplunkType>;
}
interface LogSourceDocument {
  name: string; title: string; description: string;
  fields: Record<string, { type: CanonicalType; description: string; required?: boolean }>;
  targets: Record<TargetName, { default: string; profiles: Record<string, ProfileDocument> }>;
  exports?: Record<string, { description: string; references?: string[]; fields: Record<string, string>; unavailable?: Record<string, string> }>;
}

const KQL_TYPES = new Set(['string', 'int', 'long', 'real', 'bool', 'datetime', 'dynamic', 'guid', 'timespan']);
const SPLUNK_TYPES = new Set(['string', 'number', 'boolean', 'time', 'multivalue']);
let validate: ReturnType<typeof compileSchema> | undefined;

export function loadLogSourceFile(file: string, displayName = file): LogSource {
  const parsed = parseYamlDocument(displayName, readFileSync(file, 'utf8'));
  if (!parsed.doc) throw new InputError(parsed.diagnostics);
  const doc = parsed.doc;
  validate ??= compileSchema(JSON.parse(readFileSync(projectPath('schemas/logsource.schema.json'), 'utf8')));
  const schemaErrors = validateAgainstSchema(validate, doc, 'log source');
  if (schemaErrors.length) throw new InputError(schemaErrors);
  const data = doc.data as LogSourceDocument;
  const problems: Diagnostic[] = [];
  if (data.name !== basename(file, '.yml')) problems.push(error(doc.locate(['name']), `name '${data.name}' must equal the file name '${basename(file, '.yml')}'`));

  const fields = new Map<string, CanonicalField>(
    Object.entries(data.fields).map(([name, f]) => [name, { name, type: f.type, description: f.description, required: f.required ?? false }]),
  );
  const targets = {} as Record<TargetName, TargetSource>;
  for (const target of TARGETS) {
    const t = data.targets[target];
    const profiles = new Map<string, LogSourceProfile>();
    for (const [profileName, p] of Object.entries(t.profiles)) {
      const at = (...rest: string[]) => doc.locate(['targets', target, 'profiles', profileName, ...rest]);
      const types = target === 'splunk' ? SPLUNK_TYPES : KQL_TYPES;
      for (const [column, type] of Object.entries(p.columns)) {
        if (!types.has(type)) problems.push(error(at('columns', column), `'${type}' is not a ${target === 'splunk' ? 'Splunk' : 'KQL'} type`));
      }
      if (target === 'splunk' && !(p.macro && p.macro_definition)) problems.push(error(at(), 'a Splunk profile needs macro and macro_definition'));
      if (target !== 'splunk' && !p.table) problems.push(error(at(), 'a KQL profile needs table'));
      if (target === 'splunk' && p.filter) problems.push(error(at('filter'), 'a Splunk profile selects its events in macro_definition, not filter'));
      const mapped = new Map<string, NativeField>();
      for (const [canonical, column] of Object.entries(p.fields)) {
        if (!fields.has(canonical)) problems.push(error(at('fields', canonical), `'${canonical}' is not a canonical field of ${data.name}`));
        if (fields.get(canonical)?.type === 'namevalue') {
          const problem = nameValueColumnProblem(p.columns, column, target);
          if (problem) problems.push(error(at('fields', canonical), problem));
          else mapped.set(canonical, { column, type: target === 'splunk' ? 'multivalue' : nativeType(p.columns, column, target)! });
          continue;
        }
        const type = nativeType(p.columns, column, target);
        if (!type) problems.push(error(at('fields', canonical), `column '${column}' is not in this profile's columns`));
        else mapped.set(canonical, { column, type });
      }
      const unavailable = new Map(Object.entries(p.unavailable ?? {}));
      for (const name of fields.keys()) {
        if (!mapped.has(name) && !unavailable.has(name)) problems.push(error(at('fields'), `canonical field '${name}' is neither mapped nor listed under unavailable`));
      }
      profiles.set(profileName, {
        name: profileName, description: p.description, macro: p.macro, macroDefinition: p.macro_definition,
        sourcetype: p.sourcetype, rawTimeField: p.raw_time_field, table: p.table, filter: p.filter, constants: new Map(Object.entries(p.constants ?? {})), fields: mapped, unavailable,
        columns: new Map(Object.entries(p.columns)), references: p.references ?? [],
      });
    }
    if (!profiles.has(t.default)) problems.push(error(doc.locate(['targets', target, 'default']), `default profile '${t.default}' is not defined`));
    targets[target] = { defaultProfile: t.default, profiles };
  }
  const exports = new Map<string, LogSourceExport>();
  for (const [exportName, x] of Object.entries(data.exports ?? {})) {
    const at = (...rest: string[]) => doc.locate(['exports', exportName, ...rest]);
    for (const canonical of Object.keys(x.fields)) {
      if (!fields.has(canonical)) problems.push(error(at('fields', canonical), `'${canonical}' is not a canonical field of ${data.name}`));
    }
    const unavailable = new Map(Object.entries(x.unavailable ?? {}));
    for (const [name, field] of fields) {
      if (field.required && !(name in x.fields)) problems.push(error(at('fields'), `required canonical field '${name}' has no column in this export`));
      else if (!(name in x.fields) && !unavailable.has(name)) problems.push(error(at('fields'), `canonical field '${name}' is neither mapped nor listed under unavailable`));
    }
    exports.set(exportName, { name: exportName, description: x.description, fields: new Map(Object.entries(x.fields)), unavailable, references: x.references ?? [] });
  }
  if (problems.length) throw new InputError(problems);
  return { name: data.name, title: data.title, description: data.description, file: displayName, fields, targets, exports };
}

/**
 * The type of a native column; for KQL, `Col.path` reads into a dynamic column, or into a
 * string column holding JSON text (rendered through parse_json).
 */
function nativeType(columns: Record<string, KqlType | SplunkType>, column: string, target: TargetName): KqlType | SplunkType | undefined {
  if (columns[column]) return columns[column];
  const root = column.split('.')[0]!;
  if (target !== 'splunk' && (columns[root] === 'dynamic' || columns[root] === 'string')) return 'dynamic';
  return undefined;
}

/**
 * Where a namevalue field lives: on Splunk `X{}`, the list of {Name, Value} objects that
 * KV_MODE=json flattens into the parallel multivalue fields X{}.Name and X{}.Value (both listed
 * in columns); on KQL a dynamic column, a path into one, or a string column holding the JSON array.
 */
function nameValueColumnProblem(columns: Record<string, KqlType | SplunkType>, column: string, target: TargetName): string | undefined {
  if (target === 'splunk') {
    if (!column.endsWith('{}')) return `a namevalue field is read on Splunk as 'X{}' (the fields X{}.Name and X{}.Value), not '${column}'`;
    const missing = ['Name', 'Value'].map((k) => `${column}.${k}`).filter((c) => !columns[c]);
    return missing.length ? `columns ${missing.join(' and ')} are not in this profile's columns (a namevalue field needs both)` : undefined;
  }
  const type = nativeType(columns, column, target);
  if (type === 'dynamic' || type === 'string') return undefined;
  return type ? `a namevalue field needs a dynamic column (or a string column holding JSON); '${column}' is ${type}` : `column '${column}' is not in this profile's columns`;
}

export function loadLogSources(dir = projectPath('schemas/logsources')): Map<string, LogSource> {
  const sources = new Map<string, LogSource>();
  const problems: Diagnostic[] = [];
  for (const entry of readdirSync(dir).filter((f) => f.endsWith('.yml')).sort()) {
    try {
      const source = loadLogSourceFile(join(dir, entry), `schemas/logsources/${entry}`);
      sources.set(source.name, source);
    } catch (e) {
      if (e instanceof InputError) problems.push(...e.diagnostics);
      else throw e;
    }
  }
  if (problems.length) throw new InputError(problems);
  return sources;
}

export function profileOf(source: LogSource, target: TargetName, profile?: string): LogSourceProfile {
  const t = source.targets[target];
  const p = t.profiles.get(profile ?? t.defaultProfile);
  if (!p) throw new InputError([error({ file: source.file, line: 0, col: 0 }, `log source ${source.name} has no ${target} profile '${profile}' (have: ${[...t.profiles.keys()].join(', ')})`)]);
  return p;
}

/** A canonical field's native spelling on a profile; a clear input error when it has none. */
export function nativeField(source: LogSource, target: TargetName, profile: LogSourceProfile, field: string): NativeField {
  const native = profile.fields.get(field);
  if (native) return native;
  const reason = profile.unavailable.get(field) ?? 'not mapped';
  throw new InputError([error({ file: source.file, line: 0, col: 0 }, `field '${field}' is not available on ${target} (${profile.name}): ${reason}`)]);
}
