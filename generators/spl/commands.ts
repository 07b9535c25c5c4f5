// The catalog of Splunk's built-in search commands, from the Search Reference's "Command quick
// reference" (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/quick-reference/command-quick-reference)
// and the aliases its command pages give (bucket/discretize for bin, kv for extract, …).
// A command not listed here and not declared as a custom command is an error.

/** Every built-in command name and alias, lower case. */
export const BUILTIN_COMMANDS: ReadonlySet<string> = new Set([
  'abstract', 'accum', 'addcoltotals', 'addinfo', 'addtotals', 'af', 'analyzefields', 'anomalies',
  'anomalousvalue', 'anomalydetection', 'append', 'appendcols', 'appendpipe', 'arules', 'associate',
  'audit', 'autoregress', 'bin', 'bucket', 'bucketdir', 'chart', 'cluster', 'cofilter', 'collect',
  'concurrency', 'contingency', 'convert', 'correlate', 'counttable', 'ctable', 'datamodel', 'dbinspect',
  'dedup', 'delete', 'delta', 'diff', 'discretize', 'dump', 'erex', 'eval', 'eventcount', 'eventstats',
  'excerpt', 'extract', 'fieldformat', 'fields', 'fieldsummary', 'filldown', 'fillnull', 'findtypes',
  'folderize', 'foreach', 'format', 'from', 'fromjson', 'gauge', 'gentimes', 'geom', 'geomfilter',
  'geostats', 'head', 'highlight', 'history', 'iconify', 'inputcsv', 'inputintelligence', 'inputlookup',
  'iplocation', 'join', 'kmeans', 'kv', 'kvform', 'loadjob', 'localize', 'localop', 'lookup',
  'makecontinuous', 'makemv', 'makeresults', 'map', 'mcatalog', 'mcollect', 'metadata', 'metasearch',
  'meventcollect', 'mpreview', 'msearch', 'mstats', 'multikv', 'multisearch', 'mvcombine', 'mvexpand',
  'nomv', 'noop', 'outlier', 'outputcsv', 'outputlookup', 'outputtext', 'overlap', 'pivot', 'predict',
  'rangemap', 'rare', 'redistribute', 'regex', 'reltime', 'rename', 'replace', 'require', 'rest',
  'return', 'reverse', 'rex', 'rtorder', 'run', 'savedsearch', 'script', 'scrub', 'search', 'searchtxn',
  'selfjoin', 'sendalert', 'sendemail', 'set', 'setfields', 'sichart', 'sirare', 'sistats',
  'sitimechart', 'sitop', 'sort', 'spath', 'stats', 'strcat', 'streamstats', 'table', 'tags', 'tail',
  'timechart', 'timewrap', 'tojson', 'top', 'transaction', 'transpose', 'trendline', 'tscollect',
  'tstats', 'typeahead', 'typelearner', 'typer', 'union', 'uniq', 'untable', 'walklex', 'where', 'x11',
  'xmlkv', 'xmlunescape', 'xpath', 'xyseries',
]);

/** Command names match case-insensitively; custom command names are compared the same way. */
export const commandKey = (name: string): string => name.toLowerCase();

export function isKnownCommand(name: string, customCommands: ReadonlySet<string>): boolean {
  const key = commandKey(name);
  return BUILTIN_COMMANDS.has(key) || customCommands.has(key);
}

/** The closest catalogued name within edit distance 2, for "did you mean" hints. */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  const key = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(key, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions, giving up above `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}
