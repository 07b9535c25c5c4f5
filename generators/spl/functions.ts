// Catalogs of Splunk's evaluation functions (eval, where, fieldformat, `eval(…)`) and of its
// statistical and charting functions (stats, chart, timechart, tstats …), with their arity.
// Sources: the Search Reference's "Evaluation functions" quick reference and per-category pages
// (https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions)
// and "Statistical and charting functions"
// (https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/statistical-and-charting-functions).
// Names match case-insensitively: Splunk accepts `CASE(…)`, `ISNOTNULL(…)`, `Values(…)`.

export interface FunctionArity {
  readonly min: number;
  /** Infinity for "one or more" style functions. */
  readonly max: number;
  /** Arguments come in pairs (`case`, `validate`, `json_object`). */
  readonly pairs?: boolean;
  /** One leading argument, then pairs (`json_set(json, path, value, …)`). */
  readonly leadingThenPairs?: boolean;
}

const fixed = (n: number): FunctionArity => ({ min: n, max: n });
const range = (min: number, max: number): FunctionArity => ({ min, max });
const atLeast = (min: number): FunctionArity => ({ min, max: Infinity });

export const EVAL_FUNCTIONS: ReadonlyMap<string, FunctionArity> = new Map<string, FunctionArity>([
  // Comparison and conditional
  ['case', { min: 2, max: Infinity, pairs: true }],
  ['cidrmatch', fixed(2)],
  ['coalesce', atLeast(1)],
  ['false', fixed(0)],
  ['if', fixed(3)],
  ['in', atLeast(2)],
  ['like', fixed(2)],
  ['lookup', range(2, 3)],
  ['match', fixed(2)],
  ['null', fixed(0)],
  ['nullif', fixed(2)],
  ['searchmatch', fixed(1)],
  ['true', fixed(0)],
  ['validate', { min: 2, max: Infinity, pairs: true }],
  // Conversion
  ['ipmask', fixed(2)],
  ['printf', atLeast(1)],
  ['tonumber', range(1, 2)],
  ['tostring', range(1, 2)],
  // Cryptographic
  ['md5', fixed(1)],
  ['sha1', fixed(1)],
  ['sha256', fixed(1)],
  ['sha512', fixed(1)],
  // Date and time
  ['now', fixed(0)],
  ['relative_time', fixed(2)],
  ['strftime', fixed(2)],
  ['strptime', fixed(2)],
  ['time', fixed(0)],
  // Informational
  ['isarray', fixed(1)],
  ['isbool', fixed(1)],
  ['isdouble', fixed(1)],
  ['isint', fixed(1)],
  ['isnotnull', fixed(1)],
  ['isnull', fixed(1)],
  ['isnum', fixed(1)],
  ['isobject', fixed(1)],
  ['isstr', fixed(1)],
  ['typeof', fixed(1)],
  // JSON
  ['json', fixed(1)],
  ['json_append', { min: 3, max: Infinity, leadingThenPairs: true }],
  ['json_array', atLeast(0)],
  ['json_array_to_mv', range(1, 2)],
  ['json_delete', atLeast(2)],
  ['json_entries', fixed(1)],
  ['json_extend', { min: 3, max: Infinity, leadingThenPairs: true }],
  ['json_extract', atLeast(1)],
  ['json_extract_exact', atLeast(1)],
  ['json_has_key_exact', fixed(2)],
  ['json_keys', fixed(1)],
  ['json_object', { min: 0, max: Infinity, pairs: true }],
  ['json_set', { min: 3, max: Infinity, leadingThenPairs: true }],
  ['json_set_exact', { min: 3, max: Infinity, leadingThenPairs: true }],
  ['json_valid', fixed(1)],
  // Mathematical
  ['abs', fixed(1)],
  ['ceiling', fixed(1)],
  ['ceil', fixed(1)],
  ['exact', fixed(1)],
  ['exp', fixed(1)],
  ['floor', fixed(1)],
  ['ln', fixed(1)],
  ['log', range(1, 2)],
  ['pi', fixed(0)],
  ['pow', fixed(2)],
  ['round', range(1, 2)],
  ['sigfig', fixed(1)],
  ['sqrt', fixed(1)],
  ['sum', atLeast(1)],
  // Multivalue
  ['commands', fixed(1)],
  ['mvappend', atLeast(1)],
  ['mvcount', fixed(1)],
  ['mvdedup', fixed(1)],
  ['mvfilter', fixed(1)],
  ['mvfind', fixed(2)],
  ['mvindex', range(2, 3)],
  ['mvjoin', fixed(2)],
  ['mvmap', fixed(2)],
  ['mvrange', range(2, 3)],
  ['mvsort', fixed(1)],
  ['mvzip', range(2, 3)],
  ['mv_to_json_array', range(1, 2)],
  ['split', fixed(2)],
  // Statistical
  ['avg', atLeast(1)],
  ['max', atLeast(1)],
  ['min', atLeast(1)],
  ['random', fixed(0)],
  // Text
  ['len', fixed(1)],
  ['lower', fixed(1)],
  ['ltrim', range(1, 2)],
  ['replace', fixed(3)],
  ['rtrim', range(1, 2)],
  ['spath', fixed(2)],
  ['substr', range(2, 3)],
  ['trim', range(1, 2)],
  ['upper', fixed(1)],
  ['urldecode', fixed(1)],
  // Trigonometry and hyperbolic
  ['acos', fixed(1)],
  ['acosh', fixed(1)],
  ['asin', fixed(1)],
  ['asinh', fixed(1)],
  ['atan', fixed(1)],
  ['atan2', fixed(2)],
  ['atanh', fixed(1)],
  ['cos', fixed(1)],
  ['cosh', fixed(1)],
  ['hypot', fixed(2)],
  ['sin', fixed(1)],
  ['sinh', fixed(1)],
  ['tan', fixed(1)],
  ['tanh', fixed(1)],
  // Bitwise
  ['bit_and', atLeast(2)],
  ['bit_or', atLeast(2)],
  ['bit_xor', atLeast(2)],
  ['bit_not', range(1, 2)],
  ['bit_shift_left', fixed(2)],
  ['bit_shift_right', fixed(2)],
]);

export const STATS_FUNCTIONS: ReadonlyMap<string, FunctionArity> = new Map<string, FunctionArity>([
  // Aggregate
  ['avg', fixed(1)],
  ['mean', fixed(1)],
  ['count', range(0, 1)],
  ['c', range(0, 1)],
  ['distinct_count', fixed(1)],
  ['dc', fixed(1)],
  ['estdc', fixed(1)],
  ['estdc_error', fixed(1)],
  ['max', fixed(1)],
  ['median', fixed(1)],
  ['min', fixed(1)],
  ['mode', fixed(1)],
  ['range', fixed(1)],
  ['stdev', fixed(1)],
  ['stdevp', fixed(1)],
  ['sum', fixed(1)],
  ['sumsq', fixed(1)],
  ['var', fixed(1)],
  ['varp', fixed(1)],
  // Event order
  ['first', fixed(1)],
  ['last', fixed(1)],
  // Multivalue
  ['list', fixed(1)],
  ['values', fixed(1)],
  // Time
  ['earliest', fixed(1)],
  ['earliest_time', fixed(1)],
  ['latest', fixed(1)],
  ['latest_time', fixed(1)],
  ['rate', fixed(1)],
  ['per_day', fixed(1)],
  ['per_hour', fixed(1)],
  ['per_minute', fixed(1)],
  ['per_second', fixed(1)],
  // mstats
  ['rate_avg', fixed(1)],
  ['rate_sum', fixed(1)],
  // chart/stats sparklines: sparkline(count(x), 1h)
  ['sparkline', range(0, 2)],
]);

/** `perc95`, `p99`, `exactperc99.9`, `upperperc75`: the percentile takes its number in the name. */
const PERCENTILE = /^(?:perc|p|exactperc|upperperc)(\d+(?:\.\d+)?)$/;

/** Stats functions that may be written without parentheses (`stats count`). */
export const BARE_STATS_FUNCTIONS: ReadonlySet<string> = new Set(['count', 'c', 'sparkline']);

export function evalFunction(name: string): FunctionArity | undefined {
  return EVAL_FUNCTIONS.get(name.toLowerCase());
}

export function statsFunction(name: string): FunctionArity | undefined {
  const key = name.toLowerCase();
  const known = STATS_FUNCTIONS.get(key);
  if (known) return known;
  const percentile = PERCENTILE.exec(key);
  if (percentile && Number(percentile[1]) <= 100) return fixed(1);
  return undefined;
}

/** Why `count` arguments do not fit `arity`, or null when they do. */
export function arityProblem(name: string, arity: FunctionArity, count: number): string | null {
  const expected = describeArity(arity);
  if (count < arity.min || count > arity.max) return `${name}() takes ${expected}, given ${count}`;
  if (arity.pairs && count % 2 !== 0) return `${name}() takes arguments in pairs, given ${count}`;
  if (arity.leadingThenPairs && (count - 1) % 2 !== 0) return `${name}() takes one argument then pairs, given ${count}`;
  return null;
}

function describeArity(arity: FunctionArity): string {
  const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (arity.min === arity.max) return plural(arity.min);
  if (arity.max === Infinity) return `at least ${plural(arity.min)}`;
  return `${arity.min} to ${arity.max} arguments`;
}
