// The writer thread (generators/file-writer.ts): what any thread posts is on disk once close()
// resolves, dist/ is staged (or compared) after the writes posted before it, and a thread that
// goes without saying it is done does not keep the writer waiting.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { clearAbandoned, stagingFolder, swapInDist } from '../generators/dist-writer.ts';
import { keepThrough, startFileWriter } from '../generators/file-writer.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'detc-file-writer-'));
const bytes = (text: string) => new TextEncoder().encode(text);

describe('the writer thread', () => {
  it('writes what this thread and others post, all of it on disk once close() resolves', async () => {
    const dir = folder();
    const writer = startFileWriter();
    const other = keepThrough(writer.port());
    for (let i = 0; i < 200; i++) {
      writer.keep(join(dir, 'here', `${i}.entry`), bytes(`here ${i}`));
      other.keep(join(dir, 'there', `${i}.entry`), bytes(`there ${i}`));
    }
    other.end();
    await writer.close();
    expect(readdirSync(join(dir, 'here'))).toHaveLength(200);
    expect(readdirSync(join(dir, 'there'))).toHaveLength(200);
    expect(readFileSync(join(dir, 'there', '199.entry'), 'utf8')).toBe('there 199');
    // Each written whole under another name, then renamed: no partial file is left.
    expect(readdirSync(join(dir, 'here')).filter((f) => !f.endsWith('.entry'))).toEqual([]);
  });

  it("takes writes from a worker thread's port", async () => {
    const dir = folder();
    const writer = startFileWriter();
    const port = writer.port();
    const source = `
      const { workerData } = require('node:worker_threads');
      for (let i = 0; i < 50; i++) workerData.port.postMessage({ keep: workerData.dir + '/w' + i, data: new TextEncoder().encode('w' + i) });
      workerData.port.postMessage({ end: true });
      workerData.port.close();`;
    await new Promise((done, fail) => new Worker(source, { eval: true, workerData: { port, dir }, transferList: [port] }).once('exit', done).once('error', fail));
    await writer.close();
    expect(readdirSync(dir).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `w${i}`).sort());
  });

  it('ends when a port is closed without saying it is done (its thread died), having written what came before', async () => {
    const dir = folder();
    const writer = startFileWriter();
    const port = writer.port();
    keepThrough(port).keep(join(dir, 'before'), bytes('kept'));
    port.close();
    await writer.close(); // would not resolve while the writer waited for that port
    expect(readFileSync(join(dir, 'before'), 'utf8')).toBe('kept');
  });

  it('stages dist/ when it differs, says so when it does not, and lists what differs when checking', async () => {
    const root = folder();
    const dist = join(root, 'dist');
    const files = new Map([['a/one.txt', 'one\n'], ['two.txt', 'two\n']]);
    const writer = startFileWriter();
    const staged = await writer.stageDist({ distDir: dist, files, mode: 'write' });
    expect(staged).toEqual({ kind: 'staged', staging: stagingFolder(dist) });
    expect(readFileSync(join(stagingFolder(dist), 'a', 'one.txt'), 'utf8')).toBe('one\n');
    expect(existsSync(dist)).toBe(false); // staged only: the caller swaps it in
    swapInDist(dist, stagingFolder(dist));
    expect(readFileSync(join(dist, 'two.txt'), 'utf8')).toBe('two\n');
    expect(await writer.stageDist({ distDir: dist, files, mode: 'write' })).toEqual({ kind: 'up-to-date' });
    expect(existsSync(stagingFolder(dist))).toBe(false);
    writeFileSync(join(dist, 'two.txt'), 'changed\n');
    expect(await writer.stageDist({ distDir: dist, files, mode: 'check' })).toEqual({ kind: 'stale', stale: ['two.txt (differs)'] });
    await writer.close();
  });

  it('reports a dist/ it cannot stage', async () => {
    const root = folder();
    writeFileSync(join(root, 'content'), 'a file where the content folder should be');
    const writer = startFileWriter();
    const staged = await writer.stageDist({ distDir: join(root, 'content', 'dist'), files: new Map([['x.txt', 'x']]), mode: 'write' });
    await writer.close();
    expect(staged).toEqual({ kind: 'failed', error: expect.stringMatching(/ENOTDIR/) });
  });
});

describe('clearAbandoned: what a build stopped by force left beside dist/', () => {
  /** The id of a process that has ended. */
  const gone = () => spawnSync(process.execPath, ['-e', '0']).pid!;
  const folderWith = (path: string, file: string) => (mkdirSync(path, { recursive: true }), writeFileSync(join(path, file), file));

  it('removes the staging folders of ended builds, and keeps those of running ones', () => {
    const root = folder();
    const dist = join(root, 'dist');
    folderWith(dist, 'kept.txt');
    const ended = `dist.staging-${gone()}`;
    folderWith(join(root, ended), 'half.txt');
    const mine = stagingFolder(dist);
    folderWith(mine, 'mine.txt');
    folderWith(join(root, 'dist.staging-notapid'), 'x');
    folderWith(join(root, `distant.staging-${gone()}`), 'x');
    expect(clearAbandoned(dist)).toEqual([{ folder: ended, putBack: false }]);
    expect(readdirSync(root).sort()).toEqual(['dist', `dist.staging-${process.pid}`, 'dist.staging-notapid', readdirSync(root).find((f) => f.startsWith('distant.'))].sort());
    expect(readFileSync(join(dist, 'kept.txt'), 'utf8')).toBe('kept.txt');
  });

  it('puts back the old dist/ a build moved away before it stopped (between the two renames of the swap)', () => {
    const root = folder();
    const dist = join(root, 'dist');
    const pid = gone();
    folderWith(join(root, `dist.previous-${pid}`), 'old.txt');
    folderWith(join(root, `dist.staging-${pid}`), 'new.txt');
    expect(clearAbandoned(dist)).toEqual([{ folder: `dist.previous-${pid}`, putBack: true }, { folder: `dist.staging-${pid}`, putBack: false }]);
    expect(readdirSync(root)).toEqual(['dist']);
    expect(readFileSync(join(dist, 'old.txt'), 'utf8')).toBe('old.txt');
    // With a dist/ in place, an old one left beside it is only removed.
    folderWith(join(root, `dist.previous-${pid}`), 'older.txt');
    expect(clearAbandoned(dist)).toEqual([{ folder: `dist.previous-${pid}`, putBack: false }]);
    expect(readdirSync(dist)).toEqual(['old.txt']);
  });
});
