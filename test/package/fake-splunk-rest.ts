// A stand-in for the part of Splunk's REST API `detc deploy splunk` uses, over HTTPS on
// 127.0.0.1 with a certificate made for this run (so an unverified client is told apart).
// It keeps saved searches and macros in memory and answers as splunkd does (JSON, output_mode=json):
//   POST /services/auth/login                         → { sessionKey } or 401 "Login failed"
//   GET  /services/server/info                        → the version (splunk-sdk reads it after login)
//   GET  /services/apps/local/{app}                   → 200 or 404
//   GET  /servicesNS/{owner}/{app}/saved/searches/{name}, configs/conf-macros/{name} → 200 or 404
//   POST /servicesNS/{owner}/{app}/saved/searches, configs/conf-macros (name=…)      → 201, or 409 if it exists
//   POST /servicesNS/{owner}/{app}/saved/searches/{name}, configs/conf-macros/{name} → 200 update, or 404
// (REST API reference: https://help.splunk.com/en/splunk-enterprise/leverage-rest-apis/rest-api-reference/10.0/)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const USER = 'detc-deployer';
export const PASSWORD = 'c0rrect-H0rse-Battery-St4ple';
export const TOKEN = 'eyJkZXRjLWRlcGxveS10b2tlbiJ9';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly params: URLSearchParams;
}

export interface FakeSplunkRest {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly apps: Set<string>;
  /** `{owner}/{app}/{name}` → settings */
  readonly savedSearches: Map<string, Map<string, string>>;
  readonly macros: Map<string, Map<string, string>>;
  /** Saved search names the server refuses to store (400). */
  readonly refuse: Set<string>;
  close(): Promise<void>;
}

function certificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'detc-deploy-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

export async function startFakeSplunkRest(): Promise<FakeSplunkRest> {
  const requests: RecordedRequest[] = [];
  const apps = new Set(['search', 'detc']);
  const savedSearches = new Map<string, Map<string, string>>();
  const macros = new Map<string, Map<string, string>>();
  const refuse = new Set<string>();
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const entry = (name: string, settings: Map<string, string>) => ({ entry: [{ name, content: Object.fromEntries(settings) }] });
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const params = new URLSearchParams(url.search);
    new URLSearchParams(body).forEach((v, k) => params.append(k, v));
    const path = decodeURIComponent(url.pathname);
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, params });
    if (path === '/services/auth/login') {
      if (params.get('username') === USER && params.get('password') === PASSWORD) return json(res, 200, { sessionKey: 'session-xyz' });
      return json(res, 401, { messages: [{ type: 'WARN', text: 'Login failed' }] });
    }
    if (req.headers.authorization !== 'Splunk session-xyz' && req.headers.authorization !== `Bearer ${TOKEN}`) {
      return json(res, 401, { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] });
    }
    if (path === '/services/server/info') return json(res, 200, { generator: { build: 'fake', version: '9.4.0' }, entry: [{ name: 'server-info', content: { version: '9.4.0' } }] });
    const app = /^\/services\/apps\/local\/([^/]+)$/.exec(path);
    if (app) return apps.has(app[1]!) ? json(res, 200, { entry: [{ name: app[1] }] }) : json(res, 404, { messages: [{ type: 'ERROR', text: `Could not find object id=${app[1]}` }] });
    const ns = /^\/servicesNS\/([^/]+)\/([^/]+)\/(saved\/searches|configs\/conf-macros)(?:\/(.+))?$/.exec(path);
    if (ns) {
      const [, owner, appName, collection, name] = ns;
      if (!apps.has(appName!)) return json(res, 404, { messages: [{ type: 'ERROR', text: `Application does not exist: ${appName}` }] });
      const store = collection === 'saved/searches' ? savedSearches : macros;
      const settingsOf = () => {
        const s = new Map<string, string>();
        params.forEach((v, k) => { if (k !== 'name' && k !== 'output_mode') s.set(k, v); });
        return s;
      };
      if (name !== undefined) {
        const key = `${owner}/${appName}/${name}`;
        const found = store.get(key);
        if (!found) return json(res, 404, { messages: [{ type: 'ERROR', text: `Could not find object id=${name}` }] });
        if (req.method === 'GET') return json(res, 200, entry(name, found));
        if (refuse.has(name)) return json(res, 400, { messages: [{ type: 'ERROR', text: `Error while parsing search of '${name}'` }] });
        for (const [k, v] of settingsOf()) found.set(k, v);
        return json(res, 200, entry(name, found));
      }
      if (req.method !== 'POST') return json(res, 200, { entry: [] });
      const newName = params.get('name');
      if (!newName) return json(res, 400, { messages: [{ type: 'ERROR', text: 'missing name' }] });
      const key = `${owner}/${appName}/${newName}`;
      if (store.has(key)) return json(res, 409, { messages: [{ type: 'ERROR', text: `An object with name=${newName} already exists` }] });
      if (refuse.has(newName)) return json(res, 400, { messages: [{ type: 'ERROR', text: `Error while parsing search of '${newName}'` }] });
      store.set(key, settingsOf());
      return json(res, 201, entry(newName, store.get(key)!));
    }
    json(res, 404, { messages: [{ type: 'ERROR', text: `Not Found: ${path}` }] });
  };
  const server = createServer(certificate(), (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}`, requests, apps, savedSearches, macros, refuse, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
