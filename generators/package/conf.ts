// Splunk .conf text: `[stanza]` headers and `key = value` settings, a value going on over
// several lines when each line but the last ends with a backslash (the newline is kept, the
// backslash is not). The writer side encodes values; the reader side is what the tests and
// `detc deploy` use to read a generated file back.

/** One `key = value` line per setting, in this order. */
export interface ConfStanza {
  readonly name: string;
  readonly settings: ReadonlyArray<readonly [string, string]>;
}

/**
 * A value as it is written after `key = `: lines joined by `\` + newline. A line that itself
 * ends with a backslash cannot be written (Splunk would read it as a continuation), nor can
 * leading or trailing blanks (Splunk trims them).
 */
export function confValue(text: string): string {
  const problem = confValueProblem(text);
  if (problem) throw new Error(`${problem}: ${JSON.stringify(text)}`);
  return text.split(/\r\n|\r|\n/).join('\\\n');
}

/** Why `text` cannot be a .conf value (confValue), if it cannot. */
export function confValueProblem(text: string): string | undefined {
  if (text.split(/\r\n|\r|\n/).slice(0, -1).some((l) => l.endsWith('\\'))) return 'a .conf value cannot hold a line ending in a backslash (Splunk would join it to the next line)';
  if (text !== text.trim()) return 'a .conf value cannot start or end with blanks';
  return undefined;
}

/** A stanza name: one line, no brackets (Splunk reads the header up to the first `]`). */
export function confStanzaName(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/\[/g, '(').replace(/\]/g, ')').trim();
}

export interface ParsedConf {
  readonly stanzas: ReadonlyArray<{ readonly name: string; readonly line: number; readonly settings: ReadonlyMap<string, string>; readonly keys: readonly string[] }>;
  /** Problems with line numbers: a line that is neither a stanza, a setting nor a comment; a key set twice. */
  readonly problems: readonly string[];
}

const STANZA = /^\[(.*)\]$/;
const SETTING = /^([^=\s][^=]*?)\s*=\s*([\s\S]*)$/;

/** Reads .conf text the way splunkd does: comments, continuation lines, settings before any stanza go to `default`. */
export function parseConf(text: string): ParsedConf {
  const stanzas: Array<{ name: string; line: number; settings: Map<string, string>; keys: string[] }> = [];
  const problems: string[] = [];
  let current: (typeof stanzas)[number] | undefined;
  const physical = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i++) {
    const lineNumber = i + 1;
    let line = physical[i]!;
    while (line.endsWith('\\') && i + 1 < physical.length) line = `${line.slice(0, -1)}\n${physical[++i]!}`;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const stanza = STANZA.exec(trimmed);
    if (stanza) {
      current = { name: stanza[1]!, line: lineNumber, settings: new Map(), keys: [] };
      stanzas.push(current);
      continue;
    }
    const setting = SETTING.exec(trimmed);
    if (!setting) {
      problems.push(`line ${lineNumber}: neither [stanza] nor key = value: ${trimmed}`);
      continue;
    }
    if (!current) {
      current = { name: 'default', line: lineNumber, settings: new Map(), keys: [] };
      stanzas.push(current);
    }
    const key = setting[1]!;
    if (current.settings.has(key)) problems.push(`line ${lineNumber}: [${current.name}] sets '${key}' twice`);
    current.settings.set(key, setting[2]!.trim());
    current.keys.push(key);
  }
  const names = new Set<string>();
  for (const s of stanzas) {
    if (names.has(s.name)) problems.push(`line ${s.line}: stanza [${s.name}] appears twice`);
    names.add(s.name);
  }
  return { stanzas, problems };
}
