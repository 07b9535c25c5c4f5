// `detc deploy splunk`: the app's saved searches and macros sent to a Splunk server over its
// REST API through splunk-sdk (generators/splunk-rest/client.ts: the transport verifies the
// server's certificate unless --insecure; failures never carry the secret).
//
// Endpoints (Splunk REST API reference, "Configuration endpoints" and "Search endpoints"):
//   GET  /services/apps/local/{app}                          the target app exists
//   GET  /servicesNS/{owner}/{app}/saved/searches/{name}      → 200 update, 404 create
//   POST /servicesNS/{owner}/{app}/saved/searches             create (name + settings)
//   POST /servicesNS/{owner}/{app}/saved/searches/{name}      update (settings)
//   GET  /servicesNS/{owner}/{app}/configs/conf-macros/{name} → 200 keep (or update), 404 create
//   POST /servicesNS/{owner}/{app}/configs/conf-macros        create (name, definition, description)
//   POST /servicesNS/{owner}/{app}/configs/conf-macros/{name} update
// A macro that exists is kept unless --update-macros: it is where an admin set the index or
// tuned a rule. Saved searches are always brought to what the rules say.
import type { SplunkService } from '../splunk-rest/client.ts';
import type { SavedSearch, SplunkMacro } from './splunk-app.ts';

/** savedsearches.conf keys the saved/searches endpoint spells differently. */
const REST_NAMES: Readonly<Record<string, string>> = {
  enableSched: 'is_scheduled',
  counttype: 'alert_type',
  relation: 'alert_comparator',
  quantity: 'alert_threshold',
};

export interface DeployOptions {
  readonly app: string;
  readonly owner: string;
  readonly updateMacros: boolean;
  readonly dryRun: boolean;
}

export interface DeployStep {
  readonly kind: 'saved search' | 'macro';
  readonly name: string;
  readonly action: 'created' | 'updated' | 'kept' | 'failed' | 'would create' | 'would update' | 'would keep';
  readonly detail?: string;
}

/** The POST parameters of a saved search, in the endpoint's spelling. */
export function savedSearchParams(search: SavedSearch): Record<string, string> {
  return Object.fromEntries(search.settings.map(([key, value]) => [REST_NAMES[key] ?? key, value]));
}

const statusOf = (e: unknown): number | undefined => {
  const status = (e as { status?: unknown })?.status;
  return typeof status === 'number' ? status : undefined;
};

async function exists(service: SplunkService, path: string): Promise<boolean> {
  try {
    await service.get(path, { count: 1 });
    return true;
  } catch (e) {
    if (statusOf(e) === 404) return false;
    throw e;
  }
}

export class AppMissing extends Error {}

export async function deploySplunk(
  service: SplunkService,
  objects: { readonly searches: readonly SavedSearch[]; readonly macros: readonly SplunkMacro[] },
  options: DeployOptions,
  describe: (e: unknown) => string,
): Promise<DeployStep[]> {
  const ns = `/servicesNS/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.app)}`;
  if (!(await exists(service, `/services/apps/local/${encodeURIComponent(options.app)}`))) {
    throw new AppMissing(`the Splunk app '${options.app}' is not installed: install the detc app first (npx detc package splunk, then Apps > Install app from file), or pass --app search`);
  }
  const steps: DeployStep[] = [];
  const run = async (step: Omit<DeployStep, 'action'>, present: boolean, send: () => Promise<unknown>, keep = false) => {
    if (options.dryRun) return void steps.push({ ...step, action: keep ? 'would keep' : present ? 'would update' : 'would create' });
    if (keep) return void steps.push({ ...step, action: 'kept', detail: 'exists; --update-macros replaces it' });
    try {
      await send();
      steps.push({ ...step, action: present ? 'updated' : 'created' });
    } catch (e) {
      steps.push({ ...step, action: 'failed', detail: describe(e) });
    }
  };
  for (const macro of objects.macros) {
    const path = `${ns}/configs/conf-macros/${encodeURIComponent(macro.name)}`;
    let present: boolean;
    try {
      present = await exists(service, path);
    } catch (e) {
      steps.push({ kind: 'macro', name: macro.name, action: 'failed', detail: describe(e) });
      continue;
    }
    const params = { definition: macro.definition, description: macro.description };
    await run({ kind: 'macro', name: macro.name }, present, () => (present ? service.post(path, params) : service.post(`${ns}/configs/conf-macros`, { name: macro.name, ...params })), present && !options.updateMacros);
  }
  for (const search of objects.searches) {
    const path = `${ns}/saved/searches/${encodeURIComponent(search.name)}`;
    let present: boolean;
    try {
      present = await exists(service, path);
    } catch (e) {
      steps.push({ kind: 'saved search', name: search.name, action: 'failed', detail: describe(e) });
      continue;
    }
    const params = savedSearchParams(search);
    await run({ kind: 'saved search', name: search.name }, present, () => (present ? service.post(path, params) : service.post(`${ns}/saved/searches`, { name: search.name, ...params })));
  }
  return steps;
}
