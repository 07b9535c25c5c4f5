// YAML text → plain data plus a way to find where any part of it came from.
// Rule files are untrusted: core schema only (no custom tags), a cap on aliases so a
// "billion laughs" file fails fast, and a cap on file size.
//
// Two libraries, one language. The `yaml` library decides what is accepted, says where each
// part of a document is, and words every problem; but it reads a rule file in ≈ 1 ms, most of
// the main thread's time loading 1,000 rules. js-yaml reads it 7× faster and has no positions,
// so a mapping it reads without aliases is taken from it, and the `yaml` library parses the
// text only if asked where a part of it is (for a problem found later) — as for data from
// yaml-data-cache.ts. Anything else (an alias, a tag, a problem, a document that is not a
// mapping) is read by the `yaml` library alone. test/rules/yaml-fast-path.test.ts holds the
// two to the same data on every YAML file we ship and on generated documents full of what
// YAML 1.2's core schema resolves differently from YAML 1.1 (yes, 0x1F, 012, .inf, ~ …).
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import type * as Yaml from 'yaml';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics.ts';
import { keepYamlData, storedYamlData } from './yaml-data-cache.ts';

export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ALIASES = 50;

export type DataPath = ReadonlyArray<string | number>;

/**
 * The YAML library, loaded when a text is first parsed: most commands find every text they read
 * in yaml-data-cache.ts, and loading it took ≈ 30 ms of every command's start (`detc run` too).
 */
let yamlLibrary: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlLibrary ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
let jsYamlLibrary: typeof JsYaml | undefined;
const jsYaml = (): typeof JsYaml => (jsYamlLibrary ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml);

export interface YamlDocument {
  readonly file: string;
  /** The text it was parsed from. */
  readonly text: string;
  readonly data: unknown;
  /** Where the value at `path` starts; with `key`, where its key starts. Falls back to the nearest ancestor. */
  locate(path: DataPath, options?: { key?: boolean; offset?: number }): SourceLocation;
}

/**
 * The document of `text` (shown as `file` in messages). A text parsed before without any
 * problem gives its data from yaml-data-cache.ts, and is parsed again only if asked where a
 * part of it is (for a problem found later).
 */
export function parseYamlDocument(file: string, text: string): { doc?: YamlDocument; diagnostics: Diagnostic[] } {
  if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) {
    return { diagnostics: [error({ file, line: 1, col: 1 }, `file is larger than ${MAX_FILE_BYTES / 1024} KiB; split it`)] };
  }
  const stored = storedYamlData(text);
  if (stored) {
    let parsed: YamlDocument | undefined;
    return { doc: { file, text, data: stored.data, locate: (path, options) => (parsed ??= parseText(file, text).doc!).locate(path, options) }, diagnostics: [] };
  }
  const fast = fastYamlData(text);
  if (fast !== undefined) {
    keepYamlData(text, fast);
    let parsed: YamlDocument | undefined;
    return { doc: { file, text, data: fast, locate: (path, options) => (parsed ??= parseText(file, text).doc!).locate(path, options) }, diagnostics: [] };
  }
  const parsed = parseText(file, text);
  if (parsed.doc) keepYamlData(text, parsed.doc.data);
  return parsed;
}

/**
 * The data of `text` as js-yaml reads it (YAML 1.2 core schema, no aliases), when that is a
 * mapping and no string in it reads as another core-schema scalar; undefined for anything else,
 * which the `yaml` library reads (see the top).
 */
export function fastYamlData(text: string): Record<string, unknown> | undefined {
  if (OUTSIDE_FAST_SUBSET.test(text)) return undefined;
  const { load, CORE_SCHEMA } = jsYaml();
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA, maxAliases: 0 });
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Object.getPrototypeOf(data) !== Object.prototype || !unambiguous(data)) return undefined;
  parses++;
  return data as Record<string, unknown>;
}

/**
 * Where the two libraries part (each found by test/rules/yaml-fast-path.test.ts), left to
 * `yaml`: a tab (never indentation in YAML; js-yaml takes a block scalar line holding only a
 * tab, `yaml` refuses it); a `!` that may be a tag (js-yaml reads `!!float 3` as 3, `yaml`
 * refuses it: 3 is not written as a float); a byte order mark (js-yaml makes it part of a key
 * after the first line); a document marker or directive at a line's start (js-yaml reads
 * `... a: 0`); a block scalar's explicit indentation (`|1` over a line of spaces: " \n" or "");
 * an anchor (js-yaml takes `&a:` as one, `yaml` refuses it as ambiguous); a carriage return
 * (a double-quoted line break escaped before CRLF: "" or " ").
 */
const OUTSIDE_FAST_SUBSET = /[\t!\r\ufeff]|^(?:---|\.\.\.|%)|[|>][-+]?[1-9]|(?:^|[\s,[{])&\S/m;

/**
 * The plain scalars YAML 1.2's core schema resolves to null, a boolean or a number
 * (https://yaml.org/spec/1.2.2/#1032-tag-resolution). A string of this form in js-yaml's data
 * was quoted, or was a plain scalar js-yaml left a string where the `yaml` library does not
 * (`1e400`: js-yaml keeps the text, `yaml` makes it Infinity); the data cannot tell which.
 */
const CORE_NON_STRING = /^(?:null|Null|NULL|~|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** Whether no string (value or key) in `data` reads as a core-schema null, boolean or number. */
function unambiguous(data: unknown): boolean {
  if (typeof data === 'string') return !CORE_NON_STRING.test(data);
  if (data === null || typeof data !== 'object') return true;
  if (Array.isArray(data)) return data.every(unambiguous);
  for (const key in data) if (CORE_NON_STRING.test(key) || !unambiguous((data as Record<string, unknown>)[key])) return false;
  return true;
}

/** Texts this thread has parsed, with either library (what yaml-data-cache.ts saves shows in it: for tests and benchmarks). */
let parses = 0;
export const yamlTextsParsed = (): number => parses;

function parseText(file: string, text: string): { doc?: YamlDocument; diagnostics: Diagnostic[] } {
  parses++;
  const atStart = { file, line: 1, col: 1 };
  const { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    schema: 'core',
    customTags: [],
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
  });
  const position = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const diagnostics = [...document.errors, ...document.warnings].map((e) =>
    error(position(e.pos[0]), `YAML: ${firstLine(e.message)}`),
  );
  if (diagnostics.length > 0) return { diagnostics };
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    // The yaml library throws on alias expansion beyond maxAliasCount.
    return { diagnostics: [error(atStart, `YAML: ${firstLine((e as Error).message)}`)] };
  }

  const locate = (path: DataPath, options: { key?: boolean; offset?: number } = {}): SourceLocation => {
    let node: unknown = document.contents;
    let keyNode: unknown;
    let found: unknown = node;
    for (const segment of path) {
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else break;
      found = options.key && keyNode ? keyNode : node ?? keyNode;
    }
    const range = (found as Yaml.Node | undefined)?.range;
    if (!range) return atStart;
    let start = range[0];
    // Offsets inside a quoted scalar count from its first character, not the quote.
    if (options.offset !== undefined) {
      const ch = text[start];
      start += (ch === '"' || ch === "'" ? 1 : 0) + options.offset;
    }
    return position(start);
  };
  return { doc: { file, text, data, locate }, diagnostics: [] };
}

const firstLine = (message: string): string => message.split('\n')[0]!.trim();
