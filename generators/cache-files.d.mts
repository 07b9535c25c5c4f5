import type { ScriptOptions } from 'node:vm';
/** Writes `file` whole or not at all: under another name, then renamed; makes its folder (cache-files.mjs). */
export function writeWhole(file: string, data: string | Uint8Array): void;
/** `<SHA-256 of body, hex>\n<body>`: a torn or altered file fails checkedBody (cache-files.mjs). */
export function withChecksum(body: string | Uint8Array): Buffer;
/** The body of what withChecksum wrote, or undefined when it does not match its checksum (cache-files.mjs). */
export function checkedBody(stored: Buffer): Buffer | undefined;
/** `require(file)` compiled with V8's code cache kept, checksummed, in `entry` (cache-files.mjs). */
export function requireThroughCodeCache(
  file: string,
  entry: string,
  options?: { importModuleDynamically?: ScriptOptions['importModuleDynamically']; stored?: () => void },
): { exports: unknown; cached: boolean };
