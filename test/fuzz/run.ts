// npm run fuzz -- [--seconds N] [--seed S] [--runs-per-batch R] [--out DIR]
// Differential fuzzing for as long as asked: batches of random rules and events over every
// bundled log source, each batch with its own seed (S, S+1, …). Each counterexample is shrunk
// and written as a ready-to-commit rule file under test/fuzz/regressions/ (npm test replays
// them on every target and profile); then fuzzing goes on with the next seed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { loadLogSources } from '../../generators/logsources/loader.ts';
import { projectPath } from '../../generators/paths.ts';
import { fuzzCase, type FuzzCase } from './arbitraries.ts';
import { compileCase, regressionFile, REGRESSIONS_DIR } from './cases.ts';
import { differential } from './differential.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000_000) },
    'runs-per-batch': { type: 'string', default: '100' },
    out: { type: 'string', default: projectPath(REGRESSIONS_DIR) },
  },
});
const seconds = Number(values.seconds);
const firstSeed = Number(values.seed);
const perBatch = Number(values['runs-per-batch']);
if (!(seconds > 0) || !Number.isInteger(firstSeed) || !(perBatch > 0)) {
  console.error('usage: npm run fuzz -- --seconds N --seed S [--runs-per-batch R] [--out DIR]');
  process.exit(2);
}

const logsources = loadLogSources();
const deadline = Date.now() + seconds * 1000;
let cases = 0;
let replays = 0;
const written: string[] = [];

/** The disagreements of one case, as text (empty when every target agrees). */
function disagreements(source: Parameters<typeof compileCase>[0], c: FuzzCase): string {
  const compiled = compileCase(source, logsources, c);
  const result = differential(compiled.query, compiled.events, compiled.now);
  replays += result.replays;
  return result.disagreements.map((d) => `${d.target} (${d.profile}): ${d.message}`).join('\n');
}

let seed = firstSeed;
while (Date.now() < deadline) {
  for (const source of logsources.values()) {
    if (Date.now() >= deadline) break;
    const details = fc.check(fc.property(fuzzCase(source), (c) => {
      cases++;
      return disagreements(source, c) === '';
    }), { seed, numRuns: perBatch, interruptAfterTimeLimit: Math.max(1, deadline - Date.now()), markInterruptAsFailure: false });
    if (!details.failed || !details.counterexample) continue;
    const [c] = details.counterexample;
    let found: string;
    try {
      found = disagreements(source, c) || 'no disagreement on replay (flaky?)';
    } catch (e) {
      found = `the case could not be compiled: ${(e as Error).message}`;
    }
    const compiled = compileCase(source, logsources, c);
    const reference = differential(compiled.query, compiled.events, compiled.now, []).reference;
    const file = regressionFile(source, c, reference, `${source.name}, seed ${seed}:\n${found}`);
    if (!existsSync(values.out)) mkdirSync(values.out, { recursive: true });
    const path = join(values.out, `${file.name}.yml`);
    writeFileSync(path, file.text);
    written.push(path);
    console.log(`counterexample (${source.name}, seed ${seed}) → ${path}\n${found.split('\n').map((l) => `  ${l}`).join('\n')}`);
  }
  seed++;
}

console.log(`${cases} cases (${replays} target replays, seeds ${firstSeed}…${seed - 1}) in ${seconds} s; ${written.length} counterexample${written.length === 1 ? '' : 's'} written`);
process.exit(written.length ? 1 : 0);
