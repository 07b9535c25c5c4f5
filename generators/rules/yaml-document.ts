// YAML text → plain data plus a way to find where any part of it came from.
// Rule files are untrusted: core schema only (no custom tags), a cap on aliases so a
// "billion laughs" file fails fast, and a cap on file size.
import { createRequire } from 'node:module';
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
  const parsed = parseText(file, text);
  if (parsed.doc) keepYamlData(text, parsed.doc.data);
  return parsed;
}

/** Texts this thread has parsed with the yaml library (what yaml-data-cache.ts saves shows in it: for tests and benchmarks). */
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
