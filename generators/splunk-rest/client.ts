// A splunk-sdk Service whose transport VERIFIES the server's TLS certificate.
// splunk-sdk's own Node transport hard-codes rejectUnauthorized: false (DESIGN.md, library
// facts); Service accepts any Http subclass, so we give it one built on node:https that
// verifies unless the user says --insecure. Credentials come from the environment and are
// never printed.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface SdkResponse { status: number | string; data: unknown; response: { statusCode: number; headers: Record<string, unknown> } }
interface SdkHttp { _buildResponse(error: unknown, response: { statusCode: number; headers: Record<string, unknown> }, data: string): SdkResponse }
export interface SplunkService {
  login(): Promise<unknown>;
  getInfo(): Promise<unknown>;
  parse(query: string, params?: Record<string, unknown>): Promise<unknown>;
  get(path: string, params?: Record<string, unknown>): Promise<SdkResponse>;
  post(path: string, params?: Record<string, unknown>): Promise<SdkResponse>;
}
interface SplunkSdk {
  Logger: { setLevel(level: string): void };
  Http: { extend(members: object): new () => SdkHttp };
  Service: new (http: unknown, params: Record<string, unknown>) => SplunkService;
}

export interface SplunkConnection {
  readonly url: URL;
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
  readonly insecure: boolean;
  /** Splunk version of the server, when known (selects the v1 or v2 search API). */
  readonly version?: string;
}

/** SPLUNK_URL plus SPLUNK_TOKEN, or SPLUNK_USERNAME and SPLUNK_PASSWORD. Undefined when SPLUNK_URL is unset. */
export function connectionFromEnv(env: NodeJS.ProcessEnv, insecure: boolean): SplunkConnection | undefined {
  if (!env.SPLUNK_URL) return undefined;
  let url: URL;
  try {
    url = new URL(env.SPLUNK_URL);
  } catch {
    throw new Error('SPLUNK_URL is not a URL (expected e.g. https://splunk.example.com:8089)');
  }
  if (!env.SPLUNK_TOKEN && !(env.SPLUNK_USERNAME && env.SPLUNK_PASSWORD)) {
    throw new Error('SPLUNK_URL is set but no credentials: set SPLUNK_TOKEN, or SPLUNK_USERNAME and SPLUNK_PASSWORD');
  }
  return { url, token: env.SPLUNK_TOKEN, username: env.SPLUNK_USERNAME, password: env.SPLUNK_PASSWORD, insecure, version: env.SPLUNK_VERSION };
}

function verifyingHttp(sdk: SplunkSdk, insecure: boolean): SdkHttp {
  const Verifying = sdk.Http.extend({
    init(this: { _super(): void }) {
      this._super();
    },
    makeRequest(this: SdkHttp, url: string, message: { method: string; headers: Record<string, string>; body?: string; timeout?: number }) {
      const target = new URL(url);
      const body = message.body ?? '';
      // Required when a request is made: loading TLS cost every command's start ≈ 7 ms.
      const { request: send } = require(target.protocol === 'https:' ? 'node:https' : 'node:http') as typeof import('node:https');
      return new Promise<SdkResponse>((resolve, reject) => {
        const req = send(target, {
          method: message.method,
          headers: { ...message.headers, 'Content-Length': Buffer.byteLength(body, 'utf8') },
          rejectUnauthorized: !insecure,
          timeout: message.timeout || 30_000,
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(this._buildResponse(null, { statusCode: res.statusCode ?? 0, headers: res.headers as Record<string, unknown> }, Buffer.concat(chunks).toString('utf8'))));
        });
        req.on('timeout', () => req.destroy(new Error('timed out')));
        req.on('error', (e) => reject(this._buildResponse(e, { statusCode: NO_RESPONSE, headers: {} }, '')));
        req.end(body);
      });
    },
    parseJson(json: string) {
      return JSON.parse(json);
    },
  });
  return new Verifying();
}

export async function connect(connection: SplunkConnection): Promise<SplunkService> {
  const sdk = require('splunk-sdk') as SplunkSdk;
  // The SDK would print Splunk's messages to the console; ours carry them instead.
  sdk.Logger.setLevel('NONE');
  const { url } = connection;
  const service = new sdk.Service(verifyingHttp(sdk, connection.insecure), {
    scheme: url.protocol.replace(':', ''),
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? '443' : '80'),
    ...(connection.token ? { sessionKey: connection.token, authorization: 'Bearer' } : { username: connection.username, password: connection.password }),
    ...(connection.version ? { version: connection.version } : {}),
  });
  // login() also reads server/info (the version selects the v1 or v2 search API); with a
  // token there is no login, so ask for it directly.
  if (connection.token) await service.getInfo();
  else await service.login();
  return service;
}

/** A failure from splunk-sdk, as one line that never contains the credentials. */
export function describeFailure(error: unknown, connection: SplunkConnection): string {
  const e = error as { status?: number | string; data?: { messages?: { type: string; text: string }[] }; error?: { code?: string; message?: string }; message?: string };
  const messages = e?.data?.messages?.map((m) => m.text).join('; ');
  let text = messages || e?.error?.message || e?.message || `HTTP ${e?.status ?? 'error'}`;
  if (e?.error?.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(e.error.code)) text += ' (the server certificate is not trusted: add its CA to NODE_EXTRA_CA_CERTS, or pass --insecure to skip verification)';
  for (const secret of [connection.token, connection.password]) if (secret) text = text.split(secret).join('***');
  return `${typeof e?.status === 'number' && e.status !== NO_RESPONSE ? `HTTP ${e.status}: ` : ''}${text}`;
}

/** The status splunk-sdk gives a request that got no HTTP response (refused, unreachable, TLS refused): not HTTP's. */
const NO_RESPONSE = 600;

/** Why connect() failed, as one phrase: the server not reached (network, TLS), or the login refused. */
export function connectFailure(error: unknown, connection: SplunkConnection): string {
  const reached = (error as { status?: unknown })?.status !== NO_RESPONSE;
  return `${reached ? 'cannot log in to' : 'cannot reach'} ${connection.url.origin}: ${describeFailure(error, connection)}`;
}
