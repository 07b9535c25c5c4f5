// `detc run <rule> --events <export>`, the command an analyst types first: the password-spray
// rule over the same 1M Graph sign-ins as the large-export bench, through the CLI entry, timed
// from process start, in a child process of its own (its peak RSS is its own). Run three ways:
// with --now, without (the run finds the latest event itself), and with --target all (every
// target's generated query on our engine for it, each compared with the rule's rows; exit 0
// only if all agree). The first and the third must print the same rows (the second's window
// ends one second after the latest event, not at --now, so its rows may differ).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as cli } from '../../generators/cli.ts';
import { projectPath } from '../../generators/paths.ts';
import { writeSignIns } from './signin-generator.ts';

const COUNT = Number(process.env.DETC_BENCH_EVENTS ?? 1_000_000);
const END = new Date('2026-07-01T12:00:00Z');
const RULE = 'pop-imap-password-spray';

interface RunFigures {
  readonly code: number;
  readonly rows: unknown[];
  readonly err: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
}

function inChild(args: readonly string[]): RunFigures {
  const child = spawnSync(process.execPath, ['--import', 'tsx', projectPath('test/bench/rule-run.ts'), ...args], { cwd: projectPath(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`detc run ${args.join(' ')} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as RunFigures;
}

export async function benchRuleRun(): Promise<Record<string, string>> {
  const dir = projectPath('test/bench/.data');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `signins-${COUNT}.jsonl`);
  if (!existsSync(file)) await writeSignIns(file, { count: COUNT, end: END });
  const base = ['run', RULE, '--events', file, '--format', 'json'];
  const runs = {
    [`detc run ${RULE} --now`]: inChild([...base, '--now', END.toISOString()]),
    [`detc run ${RULE} (no --now)`]: inChild(base),
    [`detc run ${RULE} --now --target all`]: inChild([...base, '--now', END.toISOString(), '--target', 'all']),
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

/** The child: one `detc run`, then its figures as the last line of stdout. */
async function child(args: string[]): Promise<void> {
  let out = '';
  let err = '';
  const code = await cli(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  const usage = process.resourceUsage();
  const figures: RunFigures = { code, rows: code <= 1 ? (JSON.parse(out) as unknown[]) : [], err, ms: performance.now(), cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssMb: usage.maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await child(process.argv.slice(2));
