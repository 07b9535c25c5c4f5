// A deterministic .tar.gz: POSIX ustar (pax-free) headers written here, gzip from node:zlib.
// Same entries, same bytes: entries in the order given (folders before their files), one fixed
// modification time, owner root, mode 0755/0644, and the gzip header's OS byte fixed (zlib
// writes the platform's). A ustar header is 512 bytes: name[100] mode[8] uid[8] gid[8] size[12]
// mtime[12] chksum[8] typeflag[1] linkname[100] magic[6] version[2] uname[32] gname[32]
// devmajor[8] devminor[8] prefix[155], numbers in octal (POSIX.1-2001, pax "ustar Interchange Format").
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  /** Relative path with `/`; a folder ends with `/`. */
  readonly path: string;
  readonly content?: Buffer | string;
}

/** 2026-01-01T00:00:00Z: the time every entry carries, so the archive does not depend on when it was built. */
export const TAR_MTIME = 1767225600;

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width - 1 digits and a NUL, as GNU tar and Python's tarfile write them.
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function splitName(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  // ustar: a longer path is prefix + '/' + name, split at a slash.
  for (let i = path.lastIndexOf('/', path.length - 2); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new Error(`path too long for a ustar archive: ${path}`);
}

function header(path: string, size: number, directory: boolean): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  const { name, prefix } = splitName(path);
  const put = (text: string, offset: number, width: number) => {
    if (Buffer.byteLength(text) > width) throw new Error(`tar header field too long: ${text}`);
    block.write(text, offset, width, 'utf8');
  };
  put(name, 0, 100);
  put(octal(directory ? 0o755 : 0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(TAR_MTIME, 12), 136, 12);
  put('        ', 148, 8); // checksum field counts as spaces while summing
  put(directory ? '5' : '0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put('root', 265, 32);
  put('root', 297, 32);
  put(prefix, 345, 155);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}

export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const directory = entry.path.endsWith('/');
    const data = directory ? Buffer.alloc(0) : Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content ?? '', 'utf8');
    parts.push(header(entry.path, data.length, directory));
    if (data.length) {
      parts.push(data);
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad, 0));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

/** gzip with a fixed header: no name, mtime 0, OS byte 255 ("unknown", RFC 1952). */
export function tarGz(entries: readonly TarEntry[]): Buffer {
  const gz = gzipSync(tar(entries), { level: 9 });
  gz[9] = 255;
  return gz;
}

/**
 * Every folder on the way to each file, then the files, sorted so that a folder comes right
 * before its contents (`a/`, `a/b/`, `a/b/c`, `a/d`).
 */
export function entriesFor(files: ReadonlyMap<string, string | Buffer>): TarEntry[] {
  const entries = new Map<string, TarEntry>();
  for (const [path, content] of files) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      entries.set(dir, { path: dir });
    }
    entries.set(path, { path, content });
  }
  return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
