// YAML text for the templates: scalars plain where every YAML parser (1.1 or 1.2) reads them as
// the same string, double-quoted (a JSON string) otherwise, and literal blocks for multi-line
// text. Values go in block context only (`key: value`, `- item`), where commas are plain.

const PLAIN = /^[A-Za-z0-9][^:#\n\r\t"'`{}[\]&*!|>%@]*$/;
const RESERVED = /^(?:y|yes|n|no|true|false|on|off|null|~)$/i;
/** What a YAML 1.1 or 1.2 parser may read as a number or a date rather than a string. */
const NUMBER_LIKE = /^(?:[-+]?(?:\d[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?|\.\d+|0x[\da-fA-F_]+|0o?[0-7_]+|0b[01_]+|\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?)|\d{4}-\d\d?-\d\d?(?:[Tt ].*)?)$/;

/** A scalar in block context. */
export function yamlScalar(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  const text = String(value);
  return PLAIN.test(text) && !RESERVED.test(text) && !NUMBER_LIKE.test(text) && text === text.trim() ? text : JSON.stringify(text);
}

/**
 * A literal block (`|`) holding `text` exactly plus one final newline, its lines indented by
 * `indent` spaces; with an indentation indicator when the first line starts with a blank.
 */
export function yamlBlock(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const indicator = /^[ \t]/.test(lines[0] ?? '') ? String(indent) : '';
  return `|${indicator}\n${lines.map((l) => (l === '' ? '' : pad + l)).join('\n')}`;
}
