// A stand-in for the part of Splunk's REST API detc uses (`detc validate` with SPLUNK_URL, and
// `detc deploy splunk`), over HTTPS on 127.0.0.1 with a certificate made for this run (so a
// client that does not verify it is told apart). No Splunk server can run here. It answers as
// splunkd does (JSON, output_mode=json), keeping saved searches and macros in memory:
//   POST /services/auth/login                         → { sessionKey } or 401 "Login failed"
//   GET  /services/server/info                        → the version (splunk-sdk reads it after login)
//   GET  /services/search/parser, POST /services/search/v2/parser → 200 for a search it accepts,
//        400 with FATAL messages otherwise (it knows one unknown command: `frobnicate`)
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

export const USER = 'detc-ci';
export const PASSWORD = 'hunter2-Sup3r-S3cret';
export const TOKEN = 'eyJ0b2tlbi1zZWNyZXQ';
/** What auth/login returns for USER / PASSWORD; later calls carry `Authorization: Splunk <key>`. */
export const SESSION_KEY = 'session-123';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly params: URLSearchParams;
}

export interface FakeSplunk {
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

/** A self-signed certificate for 127.0.0.1, made with openssl for this test run only. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'detc-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

export async function startFakeSplunk(): Promise<FakeSplunk> {
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

  /** saved/searches and configs/conf-macros of one app namespace. */
  const configuration = (req: IncomingMessage, res: ServerResponse, params: URLSearchParams, [owner, appName, collection, name]: Array<string | undefined>) => {
    if (!apps.has(appName!)) return json(res, 404, { messages: [{ type: 'ERROR', text: `Application does not exist: ${appName}` }] });
    const store = collection === 'saved/searches' ? savedSearches : macros;
    const settingsOf = () => {
      const s = new Map<string, string>();
      params.forEach((v, k) => { if (k !== 'name' && k !== 'output_mode') s.set(k, v); });
      return s;
    };
    if (name !== undefined) {
      const found = store.get(`${owner}/${appName}/${name}`);
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
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const params = new URLSearchParams(url.search);
    new URLSearchParams(body).forEach((v, k) => params.append(k, v));
    const path = decodeURIComponent(url.pathname);
    requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, params });
    if (path === '/services/auth/login') {
      if (params.get('username') === USER && params.get('password') === PASSWORD) return json(res, 200, { sessionKey: SESSION_KEY });
      return json(res, 401, { messages: [{ type: 'WARN', text: 'Login failed' }] });
    }
    if (req.headers.authorization !== `Splunk ${SESSION_KEY}` && req.headers.authorization !== `Bearer ${TOKEN}`) {
      return json(res, 401, { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] });
    }
    if (path === '/services/server/info') return json(res, 200, { generator: { build: 'fake', version: '9.4.0' }, entry: [{ name: 'server-info', content: { version: '9.4.0' } }] });
    if (path === '/services/search/parser' || path === '/services/search/v2/parser') {
      const q = params.get('q') ?? '';
      const unknown = /\|\s*(frobnicate)\b/.exec(q);
      if (unknown) return json(res, 400, { messages: [{ type: 'FATAL', text: `Unknown search command '${unknown[1]}'.` }] });
      return json(res, 200, { commands: [{ command: 'search', args: q }] });
    }
    const app = /^\/services\/apps\/local\/([^/]+)$/.exec(path);
    if (app) return apps.has(app[1]!) ? json(res, 200, { entry: [{ name: app[1] }] }) : json(res, 404, { messages: [{ type: 'ERROR', text: `Could not find object id=${app[1]}` }] });
    const ns = /^\/servicesNS\/([^/]+)\/([^/]+)\/(saved\/searches|configs\/conf-macros)(?:\/(.+))?$/.exec(path);
    if (ns) return configuration(req, res, params, ns.slice(1));
    json(res, 404, { messages: [{ type: 'ERROR', text: `Not Found: ${path}` }] });
  };

  const server = createServer(selfSignedCertificate(), (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}`, requests, apps, savedSearches, macros, refuse, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
