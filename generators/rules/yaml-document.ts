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
  if (stored) return { doc: locatedLater(file, text, stored.data), diagnostics: [] };
  const fast = fastYamlData(text);
  if (fast !== undefined) {
    keepYamlData(text, fast);
    return { doc: locatedLater(file, text, fast), diagnostics: [] };
  }
  const parsed = parseText(file, text);
  if (parsed.doc) keepYamlData(text, parsed.doc.data);
  return parsed;
}

/** A document whose data is known (it parsed without a problem): the `yaml` library parses it again only to locate a part. */
function locatedLater(file: string, text: string, data: unknown): YamlDocument {
  let parsed: YamlDocument | undefined;
  return { file, text, data, locate: (path, options) => (parsed ??= parseText(file, text).doc!).locate(path, options) };
}

/**
 * The data of `text` as js-yaml reads it (YAML 1.2 core schema), when that is a mapping written
 * in the plain subset below and no string in it reads as another core-schema scalar; undefined
 * for anything else, which the `yaml` library reads (see the top).
 */
export function fastYamlData(text: string): Record<string, unknown> | undefined {
  if (OUTSIDE_FAST_TEXT.test(text)) return undefined;
  const { parseEvents, constructFromEvents, CORE_SCHEMA, EVENT_ID, SCALAR_STYLE, CHOMPING_MODE } = jsYaml();
  let data: unknown;
  try {
    const events = parseEvents(text, {});
    let documents = 0;
    for (const event of events) {
      if (event.type === EVENT_ID.ALIAS) return undefined;
      if (event.type === EVENT_ID.DOCUMENT && (++documents > 1 || event.explicitStart || event.explicitEnd || event.directives.length)) return undefined;
      if (event.type !== EVENT_ID.SCALAR && event.type !== EVENT_ID.MAPPING && event.type !== EVENT_ID.SEQUENCE) continue;
      if (event.anchorStart >= 0 || event.tagStart >= 0) return undefined;
      if (event.type !== EVENT_ID.SCALAR) continue;
      if (event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED) {
        // Only a separator may follow the closing quote (js-yaml reads `- ''a: b`, `yaml` refuses it).
        const after = text[event.valueEnd + 1];
        if (after !== undefined && !/[\s:,\]}]/.test(after)) return undefined;
        // An escaped line break (a double-quoted scalar going on after an empty line: "" or " ").
        if (event.style === SCALAR_STYLE.DOUBLE_QUOTED && /\\\n/.test(text.slice(event.valueStart, event.valueEnd))) return undefined;
      }
      // Keep chomping (`|+` ending the text in a line of spaces: "\n\n" or "\n").
      if (event.chomping === CHOMPING_MODE.KEEP) return undefined;
    }
    data = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, maxAliases: 0 })[0];
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Object.getPrototypeOf(data) !== Object.prototype || !unambiguous(data)) return undefined;
  parses++;
  return data as Record<string, unknown>;
}

/**
 * Where the two libraries part (each found by test/rules/yaml-fast-path.test.ts), besides what
 * fastYamlData reads from js-yaml's events (aliases, anchors — js-yaml takes `&a:` as one,
 * `yaml` refuses it — tags — js-yaml reads `!!float 3` as 3, `yaml` refuses it — document
 * markers — js-yaml reads `... a: 0` — a quoted scalar followed by more, an escaped line break,
 * keep chomping), left to `yaml`: a tab (never indentation in YAML; js-yaml takes a block scalar
 * line holding only a tab, `yaml` refuses it); a carriage return (a double-quoted line break
 * escaped before CRLF: "" or " "); a byte order mark (js-yaml makes it part of a key after the
 * first line); a block scalar's explicit indentation (`|1` over a line of spaces: " \n" or "");
 * a document marker or directive at a line's start (`... a: 0` gives js-yaml no document event
 * to tell it by).
 */
const OUTSIDE_FAST_TEXT = /[\t\r\ufeff]|[|>][-+]?[1-9]|^(?:---|\.\.\.|%)/m;

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
