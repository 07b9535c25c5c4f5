// A deterministic generator of Microsoft Graph signIn events (the shape the Splunk add-on
// indexes and an analyst exports), for the large-export benchmark. Same seed, same bytes.
import { createWriteStream } from 'node:fs';

/** mulberry32: a small, fast, deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODERN = ['Browser', 'Mobile Apps and Desktop clients'];
const LEGACY = ['IMAP4', 'POP3', 'Exchange ActiveSync', 'Authenticated SMTP', 'Other clients', 'Exchange Web Services', 'MAPI Over HTTP'];
const APPS = [['Office 365 Exchange Online', '00000002-0000-0ff1-ce00-000000000000'], ['Microsoft Teams', '1fec8e78-bce4-4aaf-ab1b-5451cc387264'], ['Azure Portal', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c'], ['Office Home', '4765445b-32c6-49b0-83e6-1d93765276ca']] as const;
const FAILURES: Array<[number, string]> = [
  [50126, 'Error validating credentials due to invalid username or password.'],
  [50053, 'Account is locked because user tried to sign in too many times with an incorrect user ID or password.'],
  [50055, 'The password is expired.'],
  [50057, 'User account is disabled.'],
  [53003, 'Access has been blocked by Conditional Access policies.'],
];
const CITIES = [['Amsterdam', 'NL'], ['Seattle', 'US'], ['Ashburn', 'US'], ['Sao Paulo', 'BR'], ['Singapore', 'SG'], ['Frankfurt', 'DE']] as const;

export interface GeneratorOptions {
  readonly count: number;
  readonly seed?: number;
  /** Events are spread over the hour before `end`. */
  readonly end: Date;
}

const hex = (rand: () => number, n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const uuid = (rand: () => number) => `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-a${hex(rand, 3)}-${hex(rand, 12)}`;

export function* signInEvents({ count, seed = 20260701, end }: GeneratorOptions): Generator<string> {
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const users = Array.from({ length: 20000 }, (_, i) => `user${i}@contoso.com`);
  const sprayers = Array.from({ length: 40 }, (_, i) => `203.0.113.${i + 1}`);
  const endMs = end.getTime();
  for (let i = 0; i < count; i++) {
    const time = new Date(endMs - 3_600_000 + Math.floor((i / count) * 3_600_000)).toISOString();
    const spray = rand() < 0.03;
    const legacy = spray || rand() < 0.06;
    const client = spray ? pick(['IMAP4', 'POP3', 'Exchange ActiveSync']) : legacy ? pick(LEGACY) : pick(MODERN);
    const [errorCode, failureReason] = spray ? (rand() < 0.9 ? FAILURES[0]! : pick(FAILURES)) : rand() < 0.9 ? [0, null] : pick(FAILURES);
    const [app, appId] = pick(APPS);
    const [city, country] = pick(CITIES);
    const ip = spray ? pick(sprayers) : `198.51.100.${Math.floor(rand() * 254) + 1}`;
    // The core of a Graph signIn object (about 350 bytes, like a typical export line).
    yield JSON.stringify({
      id: uuid(rand),
      createdDateTime: time,
      userPrincipalName: pick(users),
      appDisplayName: app,
      appId,
      ipAddress: ip,
      clientAppUsed: client,
      isInteractive: true,
      status: { errorCode, failureReason },
      location: { city, countryOrRegion: country },
    });
  }
}

/**
 * The same sign-in as a row of Sentinel's SigninLogs table, as a Log Analytics export writes it
 * (ResultType is a string column; LocationDetails and Status are dynamic).
 */
export function asSigninLogsRow(graphLine: string): string {
  const e = JSON.parse(graphLine) as { id: string; createdDateTime: string; userPrincipalName: string; appDisplayName: string; appId: string; ipAddress: string; clientAppUsed: string; isInteractive: boolean; status: { errorCode: number; failureReason: string | null }; location: { city: string; countryOrRegion: string } };
  return JSON.stringify({
    TimeGenerated: e.createdDateTime,
    Id: e.id,
    UserPrincipalName: e.userPrincipalName,
    AppDisplayName: e.appDisplayName,
    AppId: e.appId,
    IPAddress: e.ipAddress,
    ClientAppUsed: e.clientAppUsed,
    IsInteractive: e.isInteractive,
    ResultType: String(e.status.errorCode),
    ResultDescription: e.status.failureReason ?? '',
    LocationDetails: e.location,
  });
}

/** Writes the events as JSON Lines: Graph signIn objects, or (`sentinel`) SigninLogs rows. */
export async function writeSignIns(path: string, options: GeneratorOptions & { readonly shape?: 'graph' | 'sentinel' }): Promise<void> {
  const out = createWriteStream(path);
  let chunk: string[] = [];
  for (const graph of signInEvents(options)) {
    const line = options.shape === 'sentinel' ? asSigninLogsRow(graph) : graph;
    chunk.push(line);
    if (chunk.length === 10000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = [];
    }
  }
  if (chunk.length) out.write(`${chunk.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}
