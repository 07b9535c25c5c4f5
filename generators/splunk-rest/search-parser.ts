// `detc validate x.spl` with SPLUNK_URL set: Splunk's own verdict from its search/parser
// endpoint, beside ours.
import type { SplunkConnection } from './client.ts';
import { connect, connectFailure, describeFailure } from './client.ts';

export type SplunkVerdict = { readonly ok: true } | { readonly ok: false; readonly message: string };

export async function askSplunkToParse(search: string, connection: SplunkConnection): Promise<SplunkVerdict> {
  let service;
  try {
    service = await connect(connection);
  } catch (e) {
    throw new Error(connectFailure(e, connection));
  }
  try {
    // parse_only: no subsearch, lookup or macro-time expansion; just whether Splunk accepts the text.
    await service.parse(search.trim().startsWith('|') || /^\s*search\b/i.test(search) ? search : `search ${search}`, { parse_only: true, output_mode: 'json' });
    return { ok: true };
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status === 400) return { ok: false, message: describeFailure(e, connection) };
    throw new Error(`Splunk at ${connection.url.origin} could not be asked: ${describeFailure(e, connection)}`);
  }
}
