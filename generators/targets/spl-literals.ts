// SPL literals. A rule value must never change the structure of the search, whatever it
// holds; values that cannot be said safely in the base search move to `| where` (see
// spl.ts), and there every character can be spelled.

/**
 * A double-quoted string for the search command or eval: backslash and double quote are
 * escaped with a backslash (Splunk: "Backslashes" and "Quotes and escaping characters" in
 * the Search Manual).
 */
export function splQuoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Characters the base search cannot carry inside a quoted value, literally. */
export const SEARCH_UNSAFE = /[*`\r\n\u0000-\u001f\u007f\u2028\u2029]/;

/** Eval-context characters we never place raw inside a string literal. */
const EVAL_UNSAFE = /[`\u0000-\u001f\u007f\u2028\u2029]/u;

/**
 * A string expression for eval/where whose value is exactly `value`. Characters that are
 * unsafe raw (backtick starts a macro even inside quotes; control characters) are spelled
 * urldecode("%60") — its UTF-8 percent-encoding — and joined with `.`.
 */
export function splEvalString(value: string): string {
  if (!EVAL_UNSAFE.test(value)) return splQuoted(value);
  const pieces: string[] = [];
  let run = '';
  for (const ch of value) {
    if (EVAL_UNSAFE.test(ch)) {
      if (run) pieces.push(splQuoted(run));
      run = '';
      pieces.push(`urldecode("${encodeURIComponent(ch)}")`);
    } else run += ch;
  }
  if (run) pieces.push(splQuoted(run));
  return pieces.join('.');
}

const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A field name in eval/where: bare when plain, else single-quoted ('status.errorCode'). */
export function splEvalField(name: string): string {
  return PLAIN_FIELD.test(name) ? name : `'${name.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** A field name in the search command or a stats/by clause. Log-source names only. */
export function splSearchField(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.{}:@-]*$/.test(name)) throw new Error(`field name ${JSON.stringify(name)} cannot be used in SPL`);
  return name;
}

/** A PCRE pattern escaped so every character is literal. */
export const pcreEscape = (text: string): string => text.replace(/[\\^$.|?*+()[\]{}/-]/g, '\\$&');
