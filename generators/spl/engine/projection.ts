// Which of an event's JSON fields a search can read, so that KV_MODE=json extraction of a large
// export flattens only those (events.ts): the spray hunt reads 4 of a sign-in's ≈ 25 fields, and
// flattening the rest was ≈ 6% of a `detc run` over 1M sign-ins.
//
// Answered only when it is plain: a base search, then nothing but `search`, `where`, `eval`
// (and `fieldformat`) and `bin`, then `stats`, whose rows hold its own fields only — what comes
// after it never sees an event. Every field those commands name (read or written: writing one
// only makes the set larger) is in the set. Anything that could read a field it does not name
// gives no answer (null: every field extracted): a wildcard in a field name, `eventtype=` and
// `tag=` (a definition's own search), `searchmatch()` (a search in a string), a field name made
// from another's value (`eval {x}=…`), a subsearch, an unexpanded macro, any other command.
import { descendants, type Command, type Pipeline } from '../ast.ts';

// stats gives one row per group, holding only its BY fields and its aggregations:
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/stats
const PLAIN_COMMANDS = new Set<Command['kind']>(['search', 'where', 'eval', 'bin']);

let projecting = true;

/** Runs `fn` with every field extracted, as without this file: for the test that proves it changes no result. */
export function withoutFieldProjection<T>(fn: () => T): T {
  projecting = false;
  try {
    return fn();
  } finally {
    projecting = true;
  }
}

/** The fields a base pipeline reads from its events before its `stats`, or null (every field). */
export function fieldsReadBeforeStats(pipeline: Pipeline): ReadonlySet<string> | null {
  if (!projecting) return null;
  const [first, ...rest] = pipeline.commands;
  if (first?.kind !== 'search') return null;
  const fields = new Set<string>();
  if (!collectFields(first, fields)) return null;
  for (const command of rest) {
    if (command.kind === 'stats') return command.name.toLowerCase() === 'stats' && collectFields(command, fields) ? fields : null;
    if (!PLAIN_COMMANDS.has(command.kind) || !collectFields(command, fields)) return null;
  }
  return null;
}

/** Adds every field a command's syntax tree names to `into`; false when it may read others. */
function collectFields(command: Command, into: Set<string>): boolean {
  for (const node of descendants(command)) {
    if (node.kind === 'subsearch' || node.kind === 'macro') return false;
    if (node.kind === 'call' && node.name.toLowerCase() === 'searchmatch') return false;
    if (node.kind === 'field') {
      const name = node.name;
      if (/[*{}]/.test(name.replace(/\{\}/g, '')) || name === 'eventtype' || name === 'tag' || name.startsWith('tag::')) return false;
      into.add(name);
    }
  }
  return true;
}
