// `detc run <rule> --events <export>`, the command an analyst types first: the password-spray
// rule over the same 1M Graph sign-ins as the large-export bench, exactly as a user types it
// (bin/detc.js), timed from process start in a process of its own (its peak RSS is its own). Run three ways:
// with --now, without (the run finds the latest event itself), and with --target all (every
// target's generated query on our engine for it, each compared with the rule's rows; exit 0
// only if all agree). The first and the third must print the same rows (the second's window
// ends one second after the latest event, not at --now, so its rows may differ).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../../generators/paths.ts';
import { timedDetc } from './timed-detc.ts';
import { writeSignIns } from './signin-generator.ts';

const COUNT = Number(process.env.DETC_BENCH_EVENTS ?? 1_000_000);
const END = new Date('2026-07-01T12:00:00Z');
const RULE = 'pop-imap-password-spray';

interface RunFigures {
  readonly code: number | null;
  readonly rows: unknown[];
  readonly err: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
}

/** `detc <args>` as a user types it; exit 1 (targets disagreeing) is a figure too. */
function detc(args: readonly string[]): RunFigures {
  const { ms, cpuMs, peakRssMb, code, out, err } = timedDetc(args, { codes: [0, 1] });
  return { ms, cpuMs, peakRssMb, code, rows: JSON.parse(out) as unknown[], err };
}

export async function benchRuleRun(): Promise<Record<string, string>> {
  const dir = projectPath('test/bench/.data');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `signins-${COUNT}.jsonl`);
  if (!existsSync(file)) await writeSignIns(file, { count: COUNT, end: END });
  const base = ['run', RULE, '--events', file, '--format', 'json'];
  const runs = {
    [`detc run ${RULE} --now`]: detc([...base, '--now', END.toISOString()]),
    [`detc run ${RULE} (no --now)`]: detc(base),
    [`detc run ${RULE} --now --target all`]: detc([...base, '--now', END.toISOString(), '--target', 'all']),
  };
  const figures: Record<string, string> = { events: `${COUNT.toLocaleString('en-US')} Graph sign-ins` };
  for (const [name, run] of Object.entries(runs)) {
    const note = run.err.split('\n').find((l) => l.includes('lines not parsed'))?.match(/\((\d+) lines not parsed/)?.[1];
    figures[name] = `${(run.ms / 1000).toFixed(2)} s, ${((COUNT / run.ms) * 1000 / 1e6).toFixed(2)} M events/s, CPU ${(run.cpuMs / 1000).toFixed(2)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB, ${run.rows.length} rows${note ? `, ${Number(note).toLocaleString('en-US')} lines not parsed` : ''}, exit ${run.code}`;
  }
  const [withNow, , all] = Object.values(runs);
  const same = JSON.stringify(withNow!.rows) === JSON.stringify(all!.rows);
  if (!same) writeFileSync(join(dir, 'rule-run-rows.json'), JSON.stringify(Object.values(runs).map((r) => r.rows)));
  figures['same rows'] = all!.code === 0 && same ? `yes: every target agrees with the rule (--target all exit 0), and the --now run prints its ${all!.rows.length} rows` : `NO — the rows of each run are in ${join(dir, 'rule-run-rows.json')}`;
  return figures;
}
