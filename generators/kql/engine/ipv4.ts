// IPv4 text with an optional IP-prefix (`10.1.2.3`, `10.1.0.0/16`), as Kusto's ipv4_* functions
// read it; null when the text is not one (every function then returns null).
// https://learn.microsoft.com/kusto/query/ipv4-is-in-range-function
// https://learn.microsoft.com/kusto/query/parse-ipv4-function

export interface Ipv4 {
  /** The address as an unsigned 32-bit number. */
  readonly address: number;
  /** The prefix length written after `/` (32 when none). */
  readonly prefix: number;
}

const IPV4 = /^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?\s*$/;

export function parseIpv4(text: string): Ipv4 | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  if (octets.some((o) => o > 255)) return null;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return null;
  return { address: ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!, prefix };
}

/** The address with all but the `prefix` most significant bits cleared. */
export function masked(address: number, prefix: number): number {
  if (prefix <= 0) return 0;
  if (prefix >= 32) return address;
  return Math.floor(address / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
}

/** parse_ipv4: the address as a long, with the written prefix applied. */
export function ipv4ToLong(text: string): number | null {
  const ip = parseIpv4(text);
  return ip ? masked(ip.address, ip.prefix) : null;
}

/** ipv4_compare: -1, 0 or 1 over the common prefix (the shorter of the written ones and `mask`). */
export function compareIpv4(a: string, b: string, mask = 32): number | null {
  const [x, y] = [parseIpv4(a), parseIpv4(b)];
  if (!x || !y) return null;
  const prefix = Math.min(x.prefix, y.prefix, mask);
  const [p, q] = [masked(x.address, prefix), masked(y.address, prefix)];
  return p < q ? -1 : p > q ? 1 : 0;
}

/** ipv4_is_in_range: the address is in the range's prefix. */
export function ipv4InRange(address: string, range: string): boolean | null {
  const c = compareIpv4(address, range);
  return c === null ? null : c === 0;
}

const PRIVATE: ReadonlyArray<readonly [number, number]> = [
  [parseIpv4('10.0.0.0')!.address, 8],
  [parseIpv4('172.16.0.0')!.address, 12],
  [parseIpv4('192.168.0.0')!.address, 16],
];

/** ipv4_is_private: in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918). */
export function ipv4IsPrivate(text: string): boolean | null {
  const ip = parseIpv4(text);
  if (!ip) return null;
  return PRIVATE.some(([net, bits]) => ip.prefix >= bits && masked(ip.address, bits) === net);
}
