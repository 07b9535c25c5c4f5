// The entry of the V8 startup snapshot of Kusto (kusto-snapshot.ts), bundled as one CommonJS
// script by bin/cli-loader.js. `node --build-snapshot` runs it once: it loads Kusto's language
// service, applies our shortcuts (language-service.ts) and analyses a few queries, so that the
// snapshot holds Kusto loaded, its static state built and its functions compiled. A process
// started from the snapshot runs `answer`: it reads the queries to analyse (JSON) from stdin and
// writes their tree snapshots (tree-snapshot.ts) to stdout.
import { readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startupSnapshot } from 'node:v8';
import { runInThisContext } from 'node:vm';
import { analyzeKqlTree, kusto, type KqlTableSchema } from './language-service.ts';
import { snapshotTree } from './tree-snapshot.ts';
import { KUSTO_SNAPSHOT_PROTOCOL, type KustoSnapshotReply, type KustoSnapshotRequest } from './kusto-snapshot.ts';

// A snapshot's entry may require only Node's own modules: Kusto's two scripts (the Bridge.NET
// runtime, then Kusto.Language; each defines globals) are run as scripts. language-service.ts
// then finds Kusto loaded. (Node warns, while building, that node:module and node:vm are not yet
// verified in snapshots: they are used here only to find and run those scripts, before the
// snapshot is taken, and not by the process started from it.)
const require = createRequire(import.meta.url);
for (const file of ['@kusto/language-service-next/bridge.min.js', '@kusto/language-service-next/Kusto.Language.Bridge.min.js']) {
  const path = require.resolve(file);
  runInThisContext(readFileSync(path, 'utf8'), { filename: path });
}
kusto();

// Queries over a table of every scalar type, touching the operators and functions generated
// queries use, so that what Kusto builds on first use (function tables, operator maps) is built
// here, once, and in the snapshot.
const WARM_UP_TABLE: KqlTableSchema = {
  name: 'WarmUp',
  columns: ['string', 'int', 'long', 'real', 'bool', 'datetime', 'dynamic', 'guid', 'timespan', 'decimal'].map((type) => ({ name: `c_${type}`, type })),
};
const WARM_UP_QUERIES = [
  'WarmUp\n| where c_datetime >= ago(1h) and c_string in~ ("a", "b") and c_int != 0 and isnotempty(c_string)\n| summarize n = dcount(c_string), k = count(), s = make_set(c_string), f = min(c_datetime), l = max(c_datetime) by c_string, w = bin(c_datetime, 1h)\n| extend s = array_slice(array_sort_asc(s), 0, 24)\n| where n >= 5\n| order by n desc',
  'WarmUp\n| where c_string has "x" or c_string contains_cs "y" or c_string startswith "z" or c_string !endswith "w" or c_string matches regex "a{2}" or not(c_string has_any ("p", "q"))\n| summarize (t, g) = arg_max(c_datetime, c_guid), m = make_set_if(c_string, isnotempty(c_string)), c = countif(c_bool) by c_long\n| mv-expand m to typeof(string)\n| project-rename x = c_long\n| top 10 by t desc',
  'let threshold = 3;\nWarmUp\n| extend d = tostring(c_dynamic.a), e = toint(c_string), u = tolower(c_string), p = parse_json(c_string), r = round(c_real, 2)\n| where isnull(c_decimal) or c_timespan > 1m or c_real between (1.0 .. 2.0)\n| project c_string, d, e, u, r, c_datetime\n| join kind=leftouter (WarmUp | summarize arg_max(c_datetime, *) by c_string) on c_string\n| take threshold',
  'WarmUp\n| where strlen(c_string) > 3 and datetime_diff("minute", now(), c_datetime) < 60 and iff(c_bool, 1, 0) == 1\n| summarize percentile(c_real, 90), avg(c_int), sum(c_long), stdev(c_real), dcountif(c_string, c_bool) by bin(c_datetime, 5m)\n| sort by c_datetime asc nulls last\n| limit 100',
];
for (const text of WARM_UP_QUERIES) snapshotTree(analyzeKqlTree(text, [WARM_UP_TABLE]));

/** A process started from the snapshot: stdin's request in, the reply out. */
function answer(): void {
  let reply: KustoSnapshotReply;
  try {
    const request = JSON.parse(readFileSync(0, 'utf8')) as KustoSnapshotRequest;
    if (request.protocol !== KUSTO_SNAPSHOT_PROTOCOL) throw new Error(`protocol ${request.protocol}, not ${KUSTO_SNAPSHOT_PROTOCOL}`);
    const analyses = request.queries.map(({ text, tables }) => {
      try {
        return { snapshot: snapshotTree(analyzeKqlTree(text, tables)) };
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    const usage = process.resourceUsage();
    reply = { protocol: KUSTO_SNAPSHOT_PROTOCOL, analyses, usage: { cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssMb: usage.maxRSS / 1024 } };
  } catch (e) {
    reply = { protocol: KUSTO_SNAPSHOT_PROTOCOL, error: (e as Error).message };
  }
  const bytes = Buffer.from(JSON.stringify(reply));
  for (let at = 0; at < bytes.length; ) at += writeSync(1, bytes, at);
}

if (startupSnapshot.isBuildingSnapshot()) startupSnapshot.setDeserializeMainFunction(answer);
