// `detc validate x.spl` with SPLUNK_URL set asks Splunk's search/parser too, through
// splunk-sdk with a transport that verifies TLS unless --insecure. Tested against a local
// HTTPS server that speaks the endpoints used (see fake-splunk.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from '../workspace.ts';
import { PASSWORD, startFakeSplunk, TOKEN, USER, type FakeSplunk } from './fake-splunk.ts';

let splunk: FakeSplunk;
const root = makeWorkspace();
const good = join(root, 'good.spl');
const bad = join(root, 'bad.spl');
writeFileSync(good, '`detc_entra_signin` clientAppUsed=IMAP4\n| stats count BY userPrincipalName\n');
writeFileSync(bad, '`detc_entra_signin` clientAppUsed=IMAP4\n| frobnicate\n');

beforeAll(async () => {
  splunk = await startFakeSplunk();
});
afterAll(() => splunk.close());
afterEach(() => {
  for (const k of ['SPLUNK_URL', 'SPLUNK_TOKEN', 'SPLUNK_USERNAME', 'SPLUNK_PASSWORD']) delete process.env[k];
});

describe('validate with SPLUNK_URL', () => {
  it('refuses an untrusted certificate by default, with advice, and never prints the secret', async () => {
    Object.assign(process.env, { SPLUNK_URL: splunk.url, SPLUNK_USERNAME: USER, SPLUNK_PASSWORD: PASSWORD });
    const r = await runCli(root, 'validate', good);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/certificate|self.signed/i);
    expect(r.err).toMatch(/--insecure/);
    expect(r.err + r.out).not.toContain(PASSWORD);
  });

  it('with --insecure and a token: Splunk accepts a good search', async () => {
    Object.assign(process.env, { SPLUNK_URL: splunk.url, SPLUNK_TOKEN: TOKEN });
    const r = await runCli(root, 'validate', good, '--insecure');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Splunk \(https:\/\/127\.0\.0\.1:\d+\) accepts the search/);
    // Splunk 9.2 (from server/info): the v2 endpoint, POST
    const parse = splunk.requests.find((q) => q.path === '/services/search/v2/parser' && q.method === 'POST')!;
    expect(parse.authorization).toBe(`Bearer ${TOKEN}`);
    expect(parse.params.get('q')).toMatch(/^search `detc_entra_signin`/);
    expect(parse.params.get('parse_only')).toBe('true');
  });

  it("Splunk's rejection is reported beside our own finding, exit 1", async () => {
    Object.assign(process.env, { SPLUNK_URL: splunk.url, SPLUNK_USERNAME: USER, SPLUNK_PASSWORD: PASSWORD });
    const r = await runCli(root, 'validate', bad, '--insecure');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.spl:2:3: unknown-command: unknown command `frobnicate`/);
    expect(r.err).toMatch(/bad\.spl:1:1: Splunk \(https:\/\/127\.0\.0\.1:\d+\) rejects the search: HTTP 400: Unknown search command 'frobnicate'\./);
  });

  it('a failed login is one clear message, exit 2, without the password', async () => {
    Object.assign(process.env, { SPLUNK_URL: splunk.url, SPLUNK_USERNAME: USER, SPLUNK_PASSWORD: `${PASSWORD}-wrong` });
    const r = await runCli(root, 'validate', good, '--insecure');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^detc: cannot log in to https:\/\/127\.0\.0\.1:\d+: HTTP 401: Login failed\n$/);
    expect(r.err).not.toContain(PASSWORD);
  });

  it('SPLUNK_URL without credentials is a usage error', async () => {
    process.env.SPLUNK_URL = splunk.url;
    const r = await runCli(root, 'validate', good);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/set SPLUNK_TOKEN, or SPLUNK_USERNAME and SPLUNK_PASSWORD/);
  });
});
