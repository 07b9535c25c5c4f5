// A stand-in for the part of Splunk's REST API detc uses, on 127.0.0.1 (no Splunk server can
// run here). It answers like Splunk does: auth/login returns a session key; server/info the
// version (splunk-sdk reads it after login); search/parser
// (v1 GET, v2 POST) returns 200 for a search it accepts and 400 with FATAL messages otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeSplunk {
  readonly url: string;
  readonly requests: Array<{ method: string; path: string; authorization?: string; params: URLSearchParams }>;
  close(): Promise<void>;
}

export const USER = 'detc-ci';
export const PASSWORD = 'hunter2-Sup3r-S3cret';
export const TOKEN = 'eyJ0b2tlbi1zZWNyZXQ';

/** A self-signed certificate for 127.0.0.1, made with openssl for this test run only. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'detc-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

export async function startFakeSplunk(): Promise<FakeSplunk> {
  const requests: FakeSplunk['requests'] = [];
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const params = new URLSearchParams(url.search);
    new URLSearchParams(body).forEach((v, k) => params.append(k, v));
    requests.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization, params });
    if (url.pathname === '/services/auth/login') {
      if (params.get('username') === USER && params.get('password') === PASSWORD) return json(res, 200, { sessionKey: 'session-123' });
      return json(res, 401, { messages: [{ type: 'WARN', text: 'Login failed' }] });
    }
    const authorized = req.headers.authorization === 'Splunk session-123' || req.headers.authorization === `Bearer ${TOKEN}`;
    if (!authorized) return json(res, 401, { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] });
    if (url.pathname === '/services/server/info') return json(res, 200, { generator: { build: 'fake', version: '9.2.1' }, entry: [{ name: 'server-info', content: { version: '9.2.1' } }] });
    if (url.pathname === '/services/search/parser' || url.pathname === '/services/search/v2/parser') {
      const q = params.get('q') ?? '';
      const unknown = /\|\s*(frobnicate)\b/.exec(q);
      if (unknown) return json(res, 400, { messages: [{ type: 'FATAL', text: `Unknown search command '${unknown[1]}'.` }] });
      return json(res, 200, { commands: [{ command: 'search', args: q }] });
    }
    json(res, 404, { messages: [{ type: 'ERROR', text: `Not Found: ${url.pathname}` }] });
  };
  const server = createHttpsServer(selfSignedCertificate(), (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
