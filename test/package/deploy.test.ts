// `detc deploy splunk` against a local HTTPS server speaking the REST endpoints it uses
// (test/splunk-rest/fake-splunk.ts): create, update, keep macros, a failing login, an untrusted
// certificate, a missing app, a refused object. The secret never appears in any output.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../generators/catalog.ts';
import { splunkObjects } from '../../generators/package/artifacts.ts';
import { savedSearchName } from '../../generators/package/splunk-app.ts';
import { DETC_VERSION } from '../../generators/package/version.ts';
import { makeWorkspace } from '../workspace.ts';
import { PASSWORD, SESSION_KEY, startFakeSplunk, TOKEN, USER, type FakeSplunk } from '../splunk-rest/fake-splunk.ts';
import { runPackageCommand } from './support.ts';

const root = makeWorkspace({}, { withContent: true });
const SPRAY = 'detc - Password spray over POP3, IMAP4 or Exchange ActiveSync legacy authentication';
const INVENTORY = 'detc - Legacy authentication sign-ins — the migration backlog';
const objects = splunkObjects(loadCatalog(root).rules, DETC_VERSION);
const total = objects.searches.length + objects.macros.length;
let splunk: FakeSplunk;

const deploy = (...args: string[]) => runPackageCommand(root, 'deploy', 'splunk', ...args);
const withPassword = (password = PASSWORD) => Object.assign(process.env, { SPLUNK_URL: splunk.url, SPLUNK_USERNAME: USER, SPLUNK_PASSWORD: password });
const posts = () => splunk.requests.filter((r) => r.method === 'POST' && r.path !== '/services/auth/login');

beforeAll(async () => {
  splunk = await startFakeSplunk();
});
afterAll(() => splunk.close());
afterEach(() => {
  for (const k of ['SPLUNK_URL', 'SPLUNK_TOKEN', 'SPLUNK_USERNAME', 'SPLUNK_PASSWORD']) delete process.env[k];
  splunk.requests.length = 0;
});

describe('detc deploy splunk', () => {
  it('verifies the server certificate by default: an untrusted one is refused, with advice, without the secret', async () => {
    withPassword();
    const r = await deploy();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^detc: cannot reach https:\/\/127\.0\.0\.1:\d+: .*(certificate|self.signed)/i);
    expect(r.err).not.toMatch(/HTTP 600/);
    expect(r.err).toMatch(/--insecure/);
    expect(r.out + r.err).not.toContain(PASSWORD);
    expect(splunk.requests).toEqual([]);
  });

  it('a server that does not answer is one line saying so, not a failed login', async () => {
    process.env.SPLUNK_URL = 'https://127.0.0.1:1';
    process.env.SPLUNK_TOKEN = 'a-token';
    const r = await deploy();
    expect(r.code).toBe(2);
    expect(r.err).toBe('detc: cannot reach https://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n');
  });

  it('a failed login is one clear line, exit 2, and never shows the password', async () => {
    withPassword(`${PASSWORD}-typo`);
    const r = await deploy('--insecure');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^detc: cannot log in to https:\/\/127\.0\.0\.1:\d+: HTTP 401: Login failed\n$/);
    expect(r.out).toBe('');
    expect(r.out + r.err).not.toContain(PASSWORD);
    expect(posts()).toEqual([]);
  });

  it('creates every macro and saved search in the app namespace on a first deploy', async () => {
    withPassword();
    const r = await deploy('--insecure');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const s of objects.searches) expect(r.out).toContain(`created saved search '${s.name}'`);
    for (const m of objects.macros) expect(r.out).toContain(`created macro '${m.name}'`);
    expect(r.out).toContain("created macro 'detc_pop_imap_password_spray_filter'");
    expect(r.out).toContain(`(app detc): ${total} of ${total} objects in place\n`);

    const create = posts().find((p) => p.path === '/servicesNS/nobody/detc/saved/searches' && p.params.get('name') === SPRAY)!;
    expect(create.authorization).toBe(`Splunk ${SESSION_KEY}`);
    // The REST spelling of savedsearches.conf settings.
    expect(create.params.get('is_scheduled')).toBe('1');
    expect(create.params.get('cron_schedule')).toBe('5 * * * *');
    expect(create.params.get('alert_type')).toBe('number of events');
    expect(create.params.get('alert_comparator')).toBe('greater than');
    expect(create.params.get('alert_threshold')).toBe('0');
    expect(create.params.get('dispatch.earliest_time')).toBe('-65m@m');
    expect(create.params.get('alert.suppress.fields')).toBe('ipAddress');
    expect(create.params.get('action.correlationsearch.annotations')).toBe('{"mitre_attack":["T1110.003"]}');
    // The saved search reads the dispatch window, not an inline one.
    expect(create.params.get('search')).toMatch(/^`detc_entra_signin` clientAppUsed IN/);
    expect(create.params.get('search')).not.toMatch(/earliest=/);
    expect(create.params.has('enableSched')).toBe(false);

    const macro = posts().find((p) => p.path === '/servicesNS/nobody/detc/configs/conf-macros' && p.params.get('name') === 'detc_entra_signin')!;
    expect(macro.params.get('definition')).toBe('sourcetype="azure:aad:signin"');
    expect(splunk.savedSearches.get(`nobody/detc/${SPRAY}`)?.get('search')).toBe(create.params.get('search'));
  });

  it('updates the saved searches on the next deploy and keeps the macros an admin may have edited', async () => {
    splunk.macros.get('nobody/detc/detc_entra_signin')!.set('definition', 'index=azure sourcetype="azure:aad:signin"');
    splunk.savedSearches.get(`nobody/detc/${SPRAY}`)!.set('cron_schedule', '*/1 * * * *');
    Object.assign(process.env, { SPLUNK_URL: splunk.url, SPLUNK_TOKEN: TOKEN });
    const r = await deploy('--insecure');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`updated saved search '${SPRAY}'`);
    expect(r.out).toContain("kept macro 'detc_entra_signin': exists; --update-macros replaces it");
    const update = posts().find((p) => p.path === `/servicesNS/nobody/detc/saved/searches/${SPRAY}`)!;
    expect(update.authorization).toBe(`Bearer ${TOKEN}`);
    expect(update.params.has('name')).toBe(false);
    expect(splunk.savedSearches.get(`nobody/detc/${SPRAY}`)?.get('cron_schedule')).toBe('5 * * * *');
    expect(splunk.macros.get('nobody/detc/detc_entra_signin')?.get('definition')).toBe('index=azure sourcetype="azure:aad:signin"');
    expect(posts().some((p) => p.path.includes('conf-macros'))).toBe(false);
  });

  it('--update-macros brings the macros back to the shipped definitions', async () => {
    Object.assign(process.env, { SPLUNK_URL: splunk.url, SPLUNK_TOKEN: TOKEN });
    const r = await deploy('--insecure', '--update-macros');
    expect(r.code).toBe(0);
    expect(r.out).toContain("updated macro 'detc_entra_signin'");
    expect(splunk.macros.get('nobody/detc/detc_entra_signin')?.get('definition')).toBe('sourcetype="azure:aad:signin"');
  });

  it('--dry-run reads but writes nothing', async () => {
    Object.assign(process.env, { SPLUNK_URL: splunk.url, SPLUNK_TOKEN: TOKEN });
    const r = await deploy('--insecure', '--dry-run', '--app', 'search');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`would create saved search '${SPRAY}'`);
    expect(posts()).toEqual([]);
  });

  it('a saved search the server refuses is reported with its reason, the others still go in, exit 1', async () => {
    splunk.refuse.add(INVENTORY);
    try {
      Object.assign(process.env, { SPLUNK_URL: splunk.url, SPLUNK_TOKEN: TOKEN });
      const r = await deploy('--insecure');
      expect(r.code).toBe(1);
      expect(r.err).toContain(`failed saved search '${INVENTORY}': HTTP 400: Error while parsing search of '${INVENTORY}'`);
      expect(r.out).toContain(`updated saved search '${SPRAY}'`);
      expect(r.out + r.err).not.toContain(TOKEN);
    } finally {
      splunk.refuse.delete(INVENTORY);
    }
  });

  it('an app that is not installed is a clear error before anything is written', async () => {
    Object.assign(process.env, { SPLUNK_URL: splunk.url, SPLUNK_TOKEN: TOKEN });
    const r = await deploy('--insecure', '--app', 'nosuchapp');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the Splunk app 'nosuchapp' is not installed: install the detc app first/);
    expect(posts()).toEqual([]);
  });

  it('without SPLUNK_URL or credentials it says which variables to set', async () => {
    let r = await deploy();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/set SPLUNK_URL .* and SPLUNK_TOKEN, or SPLUNK_USERNAME and SPLUNK_PASSWORD/);
    process.env.SPLUNK_URL = splunk.url;
    r = await deploy();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no credentials/);
  });

  it('saved search names come from the rule titles', () => {
    expect(SPRAY).toBe(savedSearchName({ doc: { title: 'Password spray over POP3, IMAP4 or Exchange ActiveSync legacy authentication' } } as never));
  });
});
