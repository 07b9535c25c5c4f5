// `detc package splunk`: the .tgz Splunk's "Install app from file" takes — one top-level
// folder named after the app id, default/ and metadata/ inside, folders before their files —
// read back here by a ustar reader of our own (headers, checksums) and by the system's tar,
// and the same bytes on every run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { splunkAppArchive, splunkPackageName } from '../../generators/package/splunk-package.ts';
import { entriesFor, TAR_MTIME, tarGz } from '../../generators/package/tar.ts';
import { DETC_VERSION } from '../../generators/package/version.ts';
import { makeWorkspace } from '../workspace.ts';
import { bundled } from './support.ts';

interface Member { name: string; type: string; mode: number; uid: number; mtime: number; uname: string; content: Buffer }

/** POSIX ustar, read field by field; every header's checksum verified. */
function readTar(archive: Buffer): Member[] {
  const members: Member[] = [];
  const text = (b: Buffer) => b.toString('utf8').replace(/\0.*$/s, '');
  const num = (b: Buffer) => parseInt(text(b).trim() || '0', 8);
  for (let offset = 0; offset + 512 <= archive.length;) {
    const h = archive.subarray(offset, offset + 512);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    expect(num(h.subarray(148, 156)), 'header checksum').toBe(sum);
    expect(text(h.subarray(257, 263))).toBe('ustar');
    const prefix = text(h.subarray(345, 500));
    const name = (prefix ? `${prefix}/` : '') + text(h.subarray(0, 100));
    const size = num(h.subarray(124, 136));
    members.push({ name, type: text(h.subarray(156, 157)), mode: num(h.subarray(100, 108)), uid: num(h.subarray(108, 116)), mtime: num(h.subarray(136, 148)), uname: text(h.subarray(265, 297)), content: archive.subarray(offset + 512, offset + 512 + size) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return members;
}

describe('the Splunk app archive', () => {
  const { files } = bundled();
  const archive = splunkAppArchive(files);
  const members = readTar(gunzipSync(archive));

  it('holds one folder named after the app, with default/ and metadata/, folders before their files', () => {
    expect(members.map((m) => m.name)).toEqual([
      'detc/',
      'detc/default/',
      'detc/default/app.conf',
      'detc/default/macros.conf',
      'detc/default/savedsearches.conf',
      'detc/metadata/',
      'detc/metadata/default.meta',
    ]);
    expect(members.filter((m) => m.name.endsWith('/')).every((m) => m.type === '5' && m.mode === 0o755)).toBe(true);
    expect(members.filter((m) => !m.name.endsWith('/')).every((m) => m.type === '0' && m.mode === 0o644)).toBe(true);
  });

  it('each file is what detc build writes to dist/splunk/detc/', () => {
    for (const m of members.filter((x) => x.type === '0')) {
      expect(m.content.toString('utf8'), m.name).toBe(files.get(`splunk/${m.name}`));
    }
  });

  it('carries one fixed time and owner, so the same rules give the same bytes', () => {
    expect(new Set(members.map((m) => m.mtime))).toEqual(new Set([TAR_MTIME]));
    expect(new Set(members.map((m) => `${m.uid}:${m.uname}`))).toEqual(new Set(['0:root']));
    expect(splunkAppArchive(files).equals(archive)).toBe(true);
    // gzip header: no file name, mtime 0, OS byte fixed (RFC 1952).
    expect([...archive.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
  });

  it("the system's tar lists the same layout", () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-tgz-'));
    writeFileSync(join(dir, 'app.tgz'), archive);
    const listing = execFileSync('tar', ['-tzf', join(dir, 'app.tgz')], { encoding: 'utf8' });
    expect(listing.trim().split('\n')).toEqual(members.map((m) => m.name));
    execFileSync('tar', ['-xzf', join(dir, 'app.tgz'), '-C', dir]);
    expect(readFileSync(join(dir, 'detc/default/savedsearches.conf'), 'utf8')).toBe(files.get('splunk/detc/default/savedsearches.conf'));
  });

  it('`detc package splunk` writes dist/detc-splunk-<version>.tgz, byte for byte the same on a second run', async () => {
    const { runPackageCommand } = await import('./support.ts');
    const root = makeWorkspace({}, { withContent: true });
    const first = await runPackageCommand(root, 'package', 'splunk');
    expect(first.code).toBe(0);
    expect(first.err.split('\n').filter((l) => l && !l.includes(': warning: '))).toEqual([]);
    const path = join(root, 'dist', splunkPackageName(DETC_VERSION));
    expect(existsSync(path)).toBe(true);
    const bytes = readFileSync(path);
    expect(bytes.equals(archive)).toBe(true);
    const out = join(root, 'again.tgz');
    expect((await runPackageCommand(root, 'package', 'splunk', '--output', out)).code).toBe(0);
    expect(readFileSync(out).equals(bytes)).toBe(true);
    expect(first.out).toMatch(/^wrote .*detc-splunk-\d+\.\d+\.\d+\.tgz \(\d+ bytes, sha256 [0-9a-f]{64}\)\n$/);
  });

  it('`detc package splunk --output <folder>` is refused in one line, nothing written', async () => {
    const { runPackageCommand } = await import('./support.ts');
    const root = makeWorkspace({}, { withContent: true });
    const folder = join(root, 'samples');
    const before = readdirSync(folder);
    const r = await runPackageCommand(root, 'package', 'splunk', '--output', folder);
    expect(r).toEqual({ code: 2, out: '', err: `detc: --output ${folder} is a folder: name the archive's file\n` });
    expect(readdirSync(folder)).toEqual(before);
  });

  it('stores paths longer than 100 bytes in the ustar prefix field', () => {
    const long = `detc/${'d'.repeat(90)}/${'f'.repeat(60)}.conf`;
    const read = readTar(gunzipSync(tarGz(entriesFor(new Map([[long, 'x = 1\n']])))));
    expect(read.map((m) => m.name)).toEqual(['detc/', `detc/${'d'.repeat(90)}/`, long]);
    expect(read[2]!.content.toString()).toBe('x = 1\n');
  });
});
