// The evaluation functions the engine runs, each compiled from its call once. Semantics per
// the Search Reference's evaluation-function pages:
// https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions
// A function given null gives null unless its page says otherwise (coalesce, isnull,
// validate, mvappend …). A function whose page does not say how it treats a multivalue field
// refuses one (unsupported) rather than guess.
import { createHash } from 'node:crypto';
import type { CallExpr, Expr } from '../ast.ts';
import { runErrorAt, unsupportedAt } from './context.ts';
import { equalValues, inList, likeRegex, scalar, type Evaluator, type ExpressionCompiler } from './expression.ts';
import { jsonPathValues, parseJson, scalarText, type Json } from './json.ts';
import { compilePcre, PcreFeatureError } from './regex.ts';
import { compileSearchText } from './search.ts';
import { resolveTimeSpecifier, strftime, strptime, TimeFeatureError } from './time.ts';
import { cidrTest, compareText, formatNumber, fromValues, isMulti, numberOf, parseIpv4, textOf, valuesOf, type FieldValue, type ReadRow, type Scalar, type Value } from './values.ts';

type FunctionImpl = (call: CallExpr, c: ExpressionCompiler) => Evaluator;

function arity(call: CallExpr, c: ExpressionCompiler, min: number, max = min): void {
  const n = call.args.length;
  if (n < min || n > max) throw runErrorAt(c.ctx, `${call.name}() takes ${min === max ? min : `${min} to ${max}`} argument(s), given ${n}`, call.span);
}

const args = (call: CallExpr, c: ExpressionCompiler): Evaluator[] => call.args.map((a) => c.compile(a));

/** A literal string argument (a regex, a format), or null when the argument is computed. */
function literalText(e: Expr | undefined): string | null {
  return e !== undefined && e.kind === 'string' ? e.value : null;
}

/** A function of single values: null in → null out; a multivalue argument is refused. */
function scalarFunction(min: number, max: number, fn: (values: (Scalar | boolean)[], call: CallExpr, c: ExpressionCompiler) => Value): FunctionImpl {
  return (call, c) => {
    arity(call, c, min, max);
    const evaluators = args(call, c);
    return (row) => {
      const values: (Scalar | boolean)[] = [];
      for (const e of evaluators) {
        const v = scalar(e(row), `${call.name}()`, call.span, c);
        if (v === null) return null;
        values.push(v);
      }
      return fn(values, call, c);
    };
  };
}

const numeric = (fn: (...n: number[]) => number | null): ((values: (Scalar | boolean)[]) => Value) => (values) => {
  const ns: number[] = [];
  for (const v of values) {
    if (typeof v === 'boolean') return null;
    const n = numberOf(v);
    if (n === undefined) return null;
    ns.push(n);
  }
  const r = fn(...ns);
  return r === null || !Number.isFinite(r) ? null : r;
};

const text = (v: Scalar | boolean): string => textOf(v);

function regexOf(pattern: string, call: CallExpr, c: ExpressionCompiler, flags = ''): RegExp {
  try {
    return compilePcre(pattern, flags).re;
  } catch (e) {
    if (e instanceof PcreFeatureError) throw unsupportedAt(c.ctx, `${e.message} in ${call.name}()`, call.span);
    throw e;
  }
}

/** Regex from a literal (compiled once) or a computed argument (compiled per value, cached). */
function regexArgument(call: CallExpr, index: number, c: ExpressionCompiler, flags = ''): (v: Scalar | boolean) => RegExp {
  const literal = literalText(call.args[index]);
  if (literal !== null) {
    const re = regexOf(literal, call, c, flags);
    return () => re;
  }
  return (v) => regexOf(text(v), call, c, flags);
}

function timeCall<T>(call: CallExpr, c: ExpressionCompiler, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TimeFeatureError) throw unsupportedAt(c.ctx, `${e.message} in ${call.name}()`, call.span);
    throw e;
  }
}

/** Half away from zero, as C's round() (JavaScript's Math.round rounds -2.5 to -2). */
function roundHalfAway(x: number, digits: number): number {
  const f = 10 ** digits;
  const scaled = Math.abs(x) * f;
  const r = Math.floor(scaled + 0.5 + 1e-9 * Math.max(1, scaled) * Number.EPSILON);
  return (Math.sign(x) * r) / f;
}

function withCommas(n: number): string {
  const fixed = Number.isInteger(n) ? n.toFixed(0) : roundHalfAway(n, 2).toFixed(2);
  const [int, frac] = fixed.split('.');
  const sign = int!.startsWith('-') ? '-' : '';
  const digits = sign ? int!.slice(1) : int!;
  return `${sign}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''}`;
}

function duration(seconds: number): string {
  const s = Math.floor(Math.abs(seconds));
  const days = Math.floor(s / 86400);
  const hms = `${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return `${seconds < 0 ? '-' : ''}${days > 0 ? `${days}+` : ''}${hms}`;
}

/** The fields an expression reads (for mvfilter, which runs it once per value of its one field). */
function fieldsIn(e: Expr, into = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'field': into.add(e.name); break;
    case 'binary': fieldsIn(e.left, into); fieldsIn(e.right, into); break;
    case 'unary': fieldsIn(e.operand, into); break;
    case 'group': fieldsIn(e.expr, into); break;
    case 'in': fieldsIn(e.operand, into); e.values.forEach((v) => fieldsIn(v, into)); break;
    case 'call': e.args.forEach((a) => fieldsIn(a, into)); break;
    case 'string': case 'number': case 'macro': break;
  }
  return into;
}

/** A row that reads `name` as `value` and everything else from `base`. */
class OverlayRow implements ReadRow {
  constructor(private readonly base: ReadRow, private readonly name: string, public value: Scalar) {}
  get(name: string): FieldValue | null | undefined {
    return name === this.name ? this.value : this.base.get(name);
  }
}

/** The JSON values at a dotted path; a path this engine does not read is `unsupported`. */
function jsonAt(root: Json, path: string, call: CallExpr, c: ExpressionCompiler): Json[] {
  const found = jsonPathValues(root, path);
  if (!found) throw unsupportedAt(c.ctx, `the path ${JSON.stringify(path)} in ${call.name}() (array indexes)`, call.span);
  return found;
}

function hash(algorithm: string): FunctionImpl {
  return scalarFunction(1, 1, ([v]) => createHash(algorithm).update(text(v!), 'utf8').digest('hex'));
}

const FUNCTIONS: Record<string, FunctionImpl> = {
  // ---------------------------------------------------------------- comparison and conditional
  if: (call, c) => {
    arity(call, c, 3);
    const [cond, a, b] = args(call, c) as [Evaluator, Evaluator, Evaluator];
    return (row) => {
      const v = cond(row);
      if (v !== null && typeof v !== 'boolean') throw runErrorAt(c.ctx, 'if() needs a Boolean condition', call.span);
      return v === true ? a(row) : b(row);
    };
  },
  case: (call, c) => {
    if (call.args.length < 2 || call.args.length % 2 !== 0) throw runErrorAt(c.ctx, 'case() takes condition/value pairs', call.span);
    const evaluators = args(call, c);
    return (row) => {
      for (let i = 0; i < evaluators.length; i += 2) {
        const v = evaluators[i]!(row);
        if (v !== null && typeof v !== 'boolean') throw runErrorAt(c.ctx, 'case() needs Boolean conditions', call.span);
        if (v === true) return evaluators[i + 1]!(row);
      }
      return null;
    };
  },
  coalesce: (call, c) => {
    arity(call, c, 1, Infinity);
    const evaluators = args(call, c);
    return (row) => {
      for (const e of evaluators) {
        const v = e(row);
        if (v !== null) return v;
      }
      return null;
    };
  },
  validate: (call, c) => {
    if (call.args.length < 2 || call.args.length % 2 !== 0) throw runErrorAt(c.ctx, 'validate() takes condition/message pairs', call.span);
    const evaluators = args(call, c);
    return (row) => {
      for (let i = 0; i < evaluators.length; i += 2) if (evaluators[i]!(row) !== true) return evaluators[i + 1]!(row);
      return null;
    };
  },
  null: (call, c) => (arity(call, c, 0), () => null),
  true: (call, c) => (arity(call, c, 0), () => true),
  false: (call, c) => (arity(call, c, 0), () => false),
  nullif: (call, c) => {
    arity(call, c, 2);
    const [a, b] = args(call, c) as [Evaluator, Evaluator];
    return (row) => {
      const x = scalar(a(row), 'nullif()', call.span, c);
      const y = scalar(b(row), 'nullif()', call.span, c);
      return x !== null && y !== null && equalValues(x, y) ? null : x;
    };
  },
  in: (call, c) => {
    arity(call, c, 2, Infinity);
    const [first, ...rest] = args(call, c) as [Evaluator, ...Evaluator[]];
    return (row) => inList(first(row), rest.map((e) => e(row)));
  },
  match: (call, c) => {
    arity(call, c, 2);
    const [subject, pattern] = args(call, c) as [Evaluator, Evaluator];
    const regex = regexArgument(call, 1, c);
    return (row) => {
      const s = scalar(subject(row), 'match()', call.span, c);
      const p = scalar(pattern(row), 'match()', call.span, c);
      if (s === null || p === null) return null;
      const re = regex(p);
      re.lastIndex = 0;
      return re.test(text(s));
    };
  },
  like: scalarFunction(2, 2, ([s, p]) => likeRegex(text(p!)).test(text(s!))),
  cidrmatch: (call, c) => {
    arity(call, c, 2);
    const [cidr, ip] = args(call, c) as [Evaluator, Evaluator];
    const literal = literalText(call.args[0]);
    const fixed = literal !== null ? cidrTest(literal) : undefined;
    return (row) => {
      const range = scalar(cidr(row), 'cidrmatch()', call.span, c);
      const addresses = ip(row);
      if (range === null || addresses === null) return null;
      const test = fixed ?? cidrTest(text(range));
      if (!test) return false;
      return valuesOf(addresses as FieldValue).some((a) => test(text(a)));
    };
  },
  searchmatch: (call, c) => {
    arity(call, c, 1);
    const literal = literalText(call.args[0]);
    if (literal === null) throw unsupportedAt(c.ctx, 'searchmatch() of a computed search string', call.span);
    const predicate = compileSearchText(literal, call.span, c.ctx);
    return (row) => predicate(row);
  },
  // ---------------------------------------------------------------- informational
  isnull: (call, c) => {
    arity(call, c, 1);
    const [e] = args(call, c) as [Evaluator];
    return (row) => e(row) === null;
  },
  isnotnull: (call, c) => {
    arity(call, c, 1);
    const [e] = args(call, c) as [Evaluator];
    return (row) => e(row) !== null;
  },
  isnum: (call, c) => {
    arity(call, c, 1);
    const [e] = args(call, c) as [Evaluator];
    return (row) => {
      const v = scalar(e(row), 'isnum()', call.span, c);
      return v !== null && typeof v !== 'boolean' && numberOf(v) !== undefined;
    };
  },
  isint: (call, c) => {
    arity(call, c, 1);
    const [e] = args(call, c) as [Evaluator];
    return (row) => {
      const v = scalar(e(row), 'isint()', call.span, c);
      const n = v === null || typeof v === 'boolean' ? undefined : numberOf(v);
      return n !== undefined && Number.isInteger(n);
    };
  },
  isstr: (call, c) => {
    arity(call, c, 1);
    const [e] = args(call, c) as [Evaluator];
    return (row) => {
      const v = scalar(e(row), 'isstr()', call.span, c);
      return typeof v === 'string' && numberOf(v) === undefined;
    };
  },
  isbool: (call, c) => {
    arity(call, c, 1);
    const [e] = args(call, c) as [Evaluator];
    return (row) => typeof e(row) === 'boolean';
  },
  typeof: (call, c) => {
    arity(call, c, 1);
    const [e] = args(call, c) as [Evaluator];
    return (row) => {
      const v = scalar(e(row), 'typeof()', call.span, c);
      if (v === null) return 'Invalid';
      if (typeof v === 'boolean') return 'Boolean';
      return numberOf(v) !== undefined ? 'Number' : 'String';
    };
  },
  // ---------------------------------------------------------------- conversion
  tonumber: (call, c) => {
    arity(call, c, 1, 2);
    const [e, b] = args(call, c) as [Evaluator, Evaluator | undefined];
    return (row) => {
      const v = scalar(e(row), 'tonumber()', call.span, c);
      if (v === null || typeof v === 'boolean') return null;
      const baseValue = b ? scalar(b(row), 'tonumber()', call.span, c) : 10;
      const base = baseValue === null || typeof baseValue === 'boolean' ? undefined : numberOf(baseValue);
      if (base === undefined || base < 2 || base > 36 || !Number.isInteger(base)) return null;
      if (base === 10) return numberOf(typeof v === 'string' ? v.trim() : v) ?? null;
      const digits = text(v).trim().replace(base === 16 ? /^0x/i : /^$/, '');
      const valid = new RegExp(`^[${'0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base)}]+$`, 'i');
      return valid.test(digits) ? parseInt(digits, base) : null;
    };
  },
  tostring: (call, c) => {
    arity(call, c, 1, 2);
    const [e, f] = args(call, c) as [Evaluator, Evaluator | undefined];
    return (row) => {
      const v = scalar(e(row), 'tostring()', call.span, c);
      if (v === null) return null;
      if (typeof v === 'boolean') return v ? 'True' : 'False';
      if (!f) return text(v);
      const format = scalar(f(row), 'tostring()', call.span, c);
      const n = numberOf(v);
      if (format === null || n === undefined) return null;
      switch (text(format)) {
        case 'hex': return `0x${Math.trunc(n).toString(16).toUpperCase()}`;
        case 'commas': return withCommas(n);
        case 'duration': return duration(n);
        default: throw unsupportedAt(c.ctx, `tostring() format ${JSON.stringify(text(format))}`, call.span);
      }
    };
  },
  ipmask: scalarFunction(2, 2, ([mask, ip]) => {
    const m = parseIpv4(text(mask!));
    const a = parseIpv4(text(ip!));
    if (m === undefined || a === undefined) return null;
    const n = (m & a) >>> 0;
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }),
  // ---------------------------------------------------------------- cryptographic
  md5: hash('md5'),
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  sha512: hash('sha512'),
  // ---------------------------------------------------------------- date and time
  // The search's start time; time() is "the wall-clock time", pinned to the same `now` so results are reproducible.
  now: (call, c) => {
    arity(call, c, 0);
    const clock = c.ctx.clock;
    return () => clock.now;
  },
  time: (call, c) => {
    arity(call, c, 0);
    const clock = c.ctx.clock;
    return () => clock.now;
  },
  relative_time: scalarFunction(2, 2, ([t, spec], call, c) => {
    const n = numberOf(t as Scalar);
    if (n === undefined || typeof spec === 'boolean') return null;
    return timeCall(call, c, () => resolveTimeSpecifier(text(spec!), n));
  }),
  strftime: scalarFunction(2, 2, ([t, format], call, c) => {
    const n = typeof t === 'boolean' ? undefined : numberOf(t!);
    if (n === undefined) return null;
    return timeCall(call, c, () => strftime(n, text(format!)));
  }),
  strptime: scalarFunction(2, 2, ([s, format], call, c) => timeCall(call, c, () => strptime(text(s!), text(format!)))),
  // ---------------------------------------------------------------- mathematical
  abs: scalarFunction(1, 1, numeric(Math.abs)),
  ceiling: scalarFunction(1, 1, numeric(Math.ceil)),
  ceil: scalarFunction(1, 1, numeric(Math.ceil)),
  floor: scalarFunction(1, 1, numeric(Math.floor)),
  exp: scalarFunction(1, 1, numeric(Math.exp)),
  ln: scalarFunction(1, 1, numeric((x) => (x > 0 ? Math.log(x) : null))),
  log: scalarFunction(1, 2, numeric((x, b = 10) => (x > 0 && b > 0 && b !== 1 ? Math.log(x) / Math.log(b) : null))),
  pow: scalarFunction(2, 2, numeric(Math.pow)),
  sqrt: scalarFunction(1, 1, numeric((x) => (x >= 0 ? Math.sqrt(x) : null))),
  pi: (call, c) => (arity(call, c, 0), () => Math.PI),
  exact: scalarFunction(1, 1, numeric((x) => x)),
  round: scalarFunction(1, 2, numeric((x, d = 0) => roundHalfAway(x, Math.trunc(d)))),
  // ---------------------------------------------------------------- statistical
  min: (call, c) => extreme(call, c, 'min'),
  max: (call, c) => extreme(call, c, 'max'),
  sum: (call, c) => {
    arity(call, c, 1, Infinity);
    const evaluators = args(call, c);
    return (row) => {
      let total = 0;
      let any = false;
      for (const e of evaluators) for (const v of valuesOf(e(row) as FieldValue | null)) {
        const n = numberOf(v);
        if (n !== undefined) (total += n), (any = true);
      }
      return any ? total : null;
    };
  },
  avg: (call, c) => {
    arity(call, c, 1, Infinity);
    const evaluators = args(call, c);
    return (row) => {
      let total = 0;
      let count = 0;
      for (const e of evaluators) for (const v of valuesOf(e(row) as FieldValue | null)) {
        const n = numberOf(v);
        if (n !== undefined) (total += n), count++;
      }
      return count ? total / count : null;
    };
  },
  // ---------------------------------------------------------------- text
  len: scalarFunction(1, 1, ([v]) => [...text(v!)].length),
  lower: scalarFunction(1, 1, ([v]) => text(v!).toLowerCase()),
  upper: scalarFunction(1, 1, ([v]) => text(v!).toUpperCase()),
  substr: scalarFunction(2, 3, ([v, start, length], call, c) => {
    const chars = [...text(v!)];
    const s = numberOf(start as Scalar);
    const l = length === undefined ? undefined : numberOf(length as Scalar);
    if (s === undefined || (length !== undefined && l === undefined)) return null;
    if (s === 0 || (l !== undefined && l < 0)) throw unsupportedAt(c.ctx, `substr() with start ${s}${l !== undefined ? ` and length ${l}` : ''}`, call.span);
    const from = s > 0 ? s - 1 : Math.max(0, chars.length + s);
    return chars.slice(from, l === undefined ? undefined : from + l).join('');
  }),
  trim: (call, c) => trimmer(call, c, true, true),
  ltrim: (call, c) => trimmer(call, c, true, false),
  rtrim: (call, c) => trimmer(call, c, false, true),
  replace: (call, c) => {
    arity(call, c, 3);
    const [subject, pattern, replacement] = args(call, c) as [Evaluator, Evaluator, Evaluator];
    const regex = regexArgument(call, 1, c, 'g');
    return (row) => {
      const s = scalar(subject(row), 'replace()', call.span, c);
      const p = scalar(pattern(row), 'replace()', call.span, c);
      const r = scalar(replacement(row), 'replace()', call.span, c);
      if (s === null || p === null || r === null) return null;
      const re = regex(p);
      re.lastIndex = 0;
      return text(s).replace(re, pcreReplacement(text(r)));
    };
  },
  split: (call, c) => {
    arity(call, c, 2);
    const [subject, separator] = args(call, c) as [Evaluator, Evaluator];
    return (row) => {
      const s = scalar(subject(row), 'split()', call.span, c);
      const sep = scalar(separator(row), 'split()', call.span, c);
      if (s === null || sep === null) return null;
      const parts = sep === '' ? [...text(s)] : text(s).split(text(sep));
      return fromValues(parts);
    };
  },
  urldecode: scalarFunction(1, 1, ([v]) => text(v!).replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  })),
  // ---------------------------------------------------------------- multivalue
  mvcount: (call, c) => {
    arity(call, c, 1);
    const [e] = args(call, c) as [Evaluator];
    return (row) => {
      const v = e(row);
      if (v === null) return null;
      return isMulti(v) ? v.length : 1;
    };
  },
  mvindex: (call, c) => {
    arity(call, c, 2, 3);
    const [e, s, t] = args(call, c) as [Evaluator, Evaluator, Evaluator | undefined];
    return (row) => {
      const v = e(row);
      if (v === null || typeof v === 'boolean') return null;
      const list = valuesOf(v);
      const index = (x: Value): number | undefined => {
        const n = x === null || typeof x === 'boolean' || isMulti(x) ? undefined : numberOf(x);
        if (n === undefined || !Number.isInteger(n)) return undefined;
        return n < 0 ? list.length + n : n;
      };
      const start = index(s(row));
      if (start === undefined || start < 0 || start >= list.length) return null;
      if (!t) return list[start]!;
      const end = index(t(row));
      if (end === undefined || end < start) return null;
      return fromValues(list.slice(start, Math.min(end, list.length - 1) + 1));
    };
  },
  mvjoin: (call, c) => {
    arity(call, c, 2);
    const [e, d] = args(call, c) as [Evaluator, Evaluator];
    return (row) => {
      const v = e(row);
      const sep = scalar(d(row), 'mvjoin()', call.span, c);
      if (v === null || sep === null || typeof v === 'boolean') return null;
      return valuesOf(v).map(text).join(text(sep));
    };
  },
  mvappend: (call, c) => {
    arity(call, c, 1, Infinity);
    const evaluators = args(call, c);
    return (row) => {
      const out: Scalar[] = [];
      for (const e of evaluators) {
        const v = e(row);
        if (typeof v === 'boolean') throw runErrorAt(c.ctx, 'mvappend() of a Boolean', call.span);
        out.push(...valuesOf(v));
      }
      return fromValues(out);
    };
  },
  mvdedup: (call, c) => {
    arity(call, c, 1);
    const [e] = args(call, c) as [Evaluator];
    return (row) => {
      const v = e(row);
      if (v === null || typeof v === 'boolean') return null;
      const seen = new Set<string>();
      return fromValues(valuesOf(v).filter((x) => !seen.has(text(x)) && (seen.add(text(x)), true)));
    };
  },
  mvsort: (call, c) => {
    arity(call, c, 1);
    const [e] = args(call, c) as [Evaluator];
    return (row) => {
      const v = e(row);
      if (v === null || typeof v === 'boolean') return null;
      return fromValues([...valuesOf(v)].sort((a, b) => compareText(text(a), text(b))));
    };
  },
  mvfind: (call, c) => {
    arity(call, c, 2);
    const [e, p] = args(call, c) as [Evaluator, Evaluator];
    const regex = regexArgument(call, 1, c);
    return (row) => {
      const v = e(row);
      const pattern = scalar(p(row), 'mvfind()', call.span, c);
      if (v === null || pattern === null || typeof v === 'boolean') return null;
      const re = regex(pattern);
      const i = valuesOf(v).findIndex((x) => ((re.lastIndex = 0), re.test(text(x))));
      return i < 0 ? null : i;
    };
  },
  mvzip: (call, c) => {
    arity(call, c, 2, 3);
    const [a, b, d] = args(call, c) as [Evaluator, Evaluator, Evaluator | undefined];
    return (row) => {
      const x = a(row);
      const y = b(row);
      const sep = d ? scalar(d(row), 'mvzip()', call.span, c) : ',';
      if (x === null || y === null || sep === null || typeof x === 'boolean' || typeof y === 'boolean') return null;
      const xs = valuesOf(x);
      const ys = valuesOf(y);
      const n = Math.min(xs.length, ys.length);
      return fromValues(Array.from({ length: n }, (_, i) => `${text(xs[i]!)}${text(sep)}${text(ys[i]!)}`));
    };
  },
  mvfilter: (call, c) => {
    arity(call, c, 1);
    const fields = fieldsIn(call.args[0]!);
    if (fields.size !== 1) throw unsupportedAt(c.ctx, `mvfilter() over ${fields.size === 0 ? 'no field' : 'more than one field'}`, call.span);
    const name = [...fields][0]!;
    const test = c.compile(call.args[0]!);
    return (row) => {
      const kept: Scalar[] = [];
      for (const v of valuesOf(row.get(name) ?? null)) {
        const r = test(new OverlayRow(row, name, v));
        if (r !== null && typeof r !== 'boolean') throw runErrorAt(c.ctx, 'mvfilter() needs a Boolean expression', call.span);
        if (r === true) kept.push(v);
      }
      return fromValues(kept);
    };
  },
  mvmap: (call, c) => {
    arity(call, c, 2);
    const target = call.args[0]!;
    if (target.kind !== 'field') throw unsupportedAt(c.ctx, 'mvmap() over a computed value', call.span);
    const map = c.compile(call.args[1]!);
    return (row) => {
      const out: Scalar[] = [];
      for (const v of valuesOf(row.get(target.name) ?? null)) {
        const r = map(new OverlayRow(row, target.name, v));
        if (typeof r === 'boolean') throw runErrorAt(c.ctx, 'mvmap() cannot produce Booleans', call.span);
        out.push(...valuesOf(r));
      }
      return fromValues(out);
    };
  },
  // ---------------------------------------------------------------- JSON
  json_extract: (call, c) => {
    arity(call, c, 1, Infinity);
    const [e, ...paths] = args(call, c) as [Evaluator, ...Evaluator[]];
    return (row) => {
      const v = scalar(e(row), 'json_extract()', call.span, c);
      if (v === null || typeof v === 'boolean') return null;
      const json = parseJson(text(v));
      if (json === undefined) return null;
      if (paths.length === 0) return scalarText(json);
      const found: Scalar[] = [];
      for (const p of paths) {
        const path = scalar(p(row), 'json_extract()', call.span, c);
        if (path === null) continue;
        if (/[{}[\]]/.test(text(path))) throw unsupportedAt(c.ctx, `the json_extract() path ${JSON.stringify(text(path))} (array steps)`, call.span);
        found.push(...jsonAt(json, text(path), call, c).map(scalarText));
      }
      if (paths.length > 1) throw unsupportedAt(c.ctx, 'json_extract() of several paths', call.span);
      return fromValues(found);
    };
  },
  spath: (call, c) => {
    arity(call, c, 2);
    const [e, p] = args(call, c) as [Evaluator, Evaluator];
    return (row) => {
      const v = scalar(e(row), 'spath()', call.span, c);
      const path = scalar(p(row), 'spath()', call.span, c);
      if (v === null || path === null || typeof v === 'boolean') return null;
      const json = parseJson(text(v));
      if (json === undefined) return null;
      return fromValues(jsonAt(json, text(path), call, c).map(scalarText));
    };
  },
};

function extreme(call: CallExpr, c: ExpressionCompiler, which: 'min' | 'max'): Evaluator {
  arity(call, c, 1, Infinity);
  const evaluators = args(call, c);
  // https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.4/evaluation-functions/statistical-eval-functions
  // "Strings are greater than numbers."
  return (row) => {
    let bestNumber: number | undefined;
    let bestString: string | undefined;
    let numberValue: Scalar | undefined;
    for (const e of evaluators) {
      const v = e(row);
      if (typeof v === 'boolean') return null;
      for (const x of valuesOf(v)) {
        const n = numberOf(x);
        if (n !== undefined) {
          if (bestNumber === undefined || (which === 'min' ? n < bestNumber : n > bestNumber)) (bestNumber = n), (numberValue = x);
        } else {
          const s = text(x);
          if (bestString === undefined || (which === 'min' ? compareText(s, bestString) < 0 : compareText(s, bestString) > 0)) bestString = s;
        }
      }
    }
    if (which === 'max') return bestString ?? numberValue ?? null;
    return numberValue ?? bestString ?? null;
  };
}

function trimmer(call: CallExpr, c: ExpressionCompiler, left: boolean, right: boolean): Evaluator {
  arity(call, c, 1, 2);
  const [e, chars] = args(call, c) as [Evaluator, Evaluator | undefined];
  return (row) => {
    const v = scalar(e(row), `${call.name}()`, call.span, c);
    if (v === null) return null;
    // Without a character list, spaces and tabs are removed.
    const set = chars ? scalar(chars(row), `${call.name}()`, call.span, c) : ' \t';
    if (set === null) return null;
    const remove = new Set(text(set));
    let s = text(v);
    let a = 0;
    let b = s.length;
    if (left) while (a < b && remove.has(s[a]!)) a++;
    if (right) while (b > a && remove.has(s[b - 1]!)) b--;
    s = s.slice(a, b);
    return s;
  };
}

/** A PCRE replacement (`\1` backreferences, `\\`) → a JavaScript one (`$1`, literal `$` as `$$`). */
function pcreReplacement(r: string): string {
  let out = '';
  for (let i = 0; i < r.length; i++) {
    const ch = r[i]!;
    if (ch === '\\' && i + 1 < r.length) {
      const next = r[i + 1]!;
      if (/\d/.test(next)) out += `$${next}`;
      else out += next === '$' ? '$$' : next;
      i++;
    } else out += ch === '$' ? '$$' : ch;
  }
  return out;
}

export const EVAL_FUNCTIONS: ReadonlyMap<string, FunctionImpl> = new Map(Object.entries(FUNCTIONS));
