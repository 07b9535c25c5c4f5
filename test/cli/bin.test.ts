// bin/detc.js runs the CLI from a bundle of the sources (bin/cli-loader.js) when it can: the
// bundle must behave as the sources do, and be made again when a source changes.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../generators/paths.ts';

function detc(root: string, args: readonly string[], bundled: boolean) {
  const env = { ...process.env };
  if (bundled) delete env.DETC_NO_CACHE;
  else env.DETC_NO_CACHE = '1';
  const child = spawnSync(process.execPath, [join(root, 'bin/detc.js'), ...args], { cwd: projectPath(), encoding: 'utf8', env });
  return { code: child.status, out: child.stdout, err: child.stderr };
}

describe('bin/detc.js', () => {
  it('gives from its bundle what the sources give through tsx', () => {
    const root = projectPath();
    for (const args of [['show', 'pop-imap-password-spray', '--target', 'sentinel'], ['run', 'pop-imap-password-spray', '--events', projectPath('samples/entra_signin/imap-spray.jsonl'), '--format', 'json'], ['show', 'no-such-rule']]) {
      expect(detc(root, args, true), args.join(' ')).toEqual(detc(root, args, false));
    }
    expect(readdirSync(projectPath('node_modules/.cache/detc')).filter((f) => f.startsWith('cli-')).length).toBeGreaterThan(0);
  });

  it('bundles again when a source changes', () => {
    // A copy of the project's code (each package linked, the cache its own): a source edited there shows at once.
    const root = mkdtempSync(join(tmpdir(), 'detc-bin-'));
    for (const dir of ['bin', 'generators', 'schemas', 'detections', 'package.json']) cpSync(projectPath(dir), join(root, dir), { recursive: true });
    mkdirSync(join(root, 'node_modules'));
    for (const entry of readdirSync(projectPath('node_modules'))) if (entry !== '.cache') symlinkSync(projectPath('node_modules', entry), join(root, 'node_modules', entry));
    const before = detc(root, ['--version'], true);
    expect(before.code).toBe(0);
    appendFileSync(join(root, 'generators/cli.ts'), "\nprocess.stdout.write('edited\\n');\n");
    expect(detc(root, ['--version'], true).out).toBe(`edited\n${before.out}`);
    expect(readdirSync(join(root, 'node_modules/.cache/detc')).filter((f) => f.startsWith('cli-'))).toHaveLength(1);
  });
});
