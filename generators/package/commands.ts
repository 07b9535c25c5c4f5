// `detc package splunk` and `detc deploy splunk`. cli.ts registers them with
// registerPackageCommands(program, context); exit codes follow cli.ts: 0 ok, 1 findings
// (invalid generated queries, objects Splunk refused), 2 usage or input error.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildDistFiles } from '../build.ts';
import type { Catalog } from '../catalog.ts';
import { formatDiagnostic, hasErrors } from '../diagnostics.ts';
import { validateGeneratedQueries } from '../query-validation.ts';
import { connect, connectFailure, connectionFromEnv, describeFailure, type SplunkConnection, type SplunkService } from '../splunk-rest/client.ts';
import { splunkObjects } from './artifacts.ts';
import { AppMissing, deploySplunk } from './splunk-deploy.ts';
import { splunkAppArchive, splunkPackageName } from './splunk-package.ts';
import { DETC_VERSION } from './version.ts';

export interface PackageCommandContext {
  root(): string;
  load(): Catalog;
  io: { out(t: string): void; err(t: string): void };
  setExit(code: number): void;
}

const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;

export function registerPackageCommands(program: Command, context: PackageCommandContext): void {
  const { io } = context;
  /** Loads the rules and proves their generated queries valid; undefined (exit 1) when one is not. */
  const loadValid = (): Catalog | undefined => {
    const catalog = context.load();
    const invalid = validateGeneratedQueries(catalog);
    invalid.forEach((d) => io.err(`${formatDiagnostic(d)}\n`));
    if (hasErrors(invalid)) {
      context.setExit(EXIT_FINDINGS);
      return undefined;
    }
    return catalog;
  };

  program
    .command('package')
    .description('package the artifacts for installation')
    .command('splunk')
    .description(`write the Splunk app as dist/${splunkPackageName('<version>')}, for Apps > Install app from file (same rules, same bytes)`)
    .option('-o, --output <file>', `where to write the archive (default: dist/${splunkPackageName(DETC_VERSION)})`)
    .action((options: { output?: string }) => {
      if (options.output && statSync(options.output, { throwIfNoEntry: false })?.isDirectory()) {
        io.err(`detc: --output ${options.output} is a folder: name the archive's file\n`);
        return context.setExit(EXIT_USAGE);
      }
      const catalog = loadValid();
      if (!catalog) return;
      const archive = splunkAppArchive(buildDistFiles(catalog));
      const target = options.output ? resolve(options.output) : join(catalog.root, 'dist', splunkPackageName(DETC_VERSION));
      mkdirSync(dirname(target), { recursive: true });
      const staging = `${target}.tmp-${process.pid}`;
      writeFileSync(staging, archive);
      renameSync(staging, target);
      const sha256 = createHash('sha256').update(archive).digest('hex');
      io.out(`wrote ${relative(process.cwd(), target) || target} (${archive.length} bytes, sha256 ${sha256})\n`);
    });

  program
    .command('deploy')
    .description('send the detections to a running product')
    .command('splunk')
    .description('create or update the saved searches and macros on Splunk: SPLUNK_URL (https://host:8089) plus SPLUNK_TOKEN, or SPLUNK_USERNAME and SPLUNK_PASSWORD')
    .option('--app <app>', 'the Splunk app the objects go to (it must be installed)', 'detc')
    .option('--owner <user>', "the namespace owner ('nobody': shared in the app)", 'nobody')
    .option('--update-macros', 'also overwrite macros that exist (by default they are kept: they hold your index and tuning)')
    .option('--insecure', "do not verify the Splunk server's TLS certificate")
    .option('--dry-run', 'say what would be created or updated, change nothing')
    .action(async (options: { app: string; owner: string; updateMacros?: boolean; insecure?: boolean; dryRun?: boolean }) => {
      let connection: SplunkConnection | undefined;
      try {
        connection = connectionFromEnv(process.env, options.insecure ?? false);
      } catch (e) {
        io.err(`detc: ${(e as Error).message}\n`);
        return context.setExit(EXIT_USAGE);
      }
      if (!connection) {
        io.err('detc: set SPLUNK_URL (e.g. https://splunk.example.com:8089) and SPLUNK_TOKEN, or SPLUNK_USERNAME and SPLUNK_PASSWORD\n');
        return context.setExit(EXIT_USAGE);
      }
      const catalog = loadValid();
      if (!catalog) return;
      const objects = splunkObjects(catalog.rules, DETC_VERSION);
      const origin = connection.url.origin;
      const describe = (e: unknown) => describeFailure(e, connection!);
      let service: SplunkService;
      try {
        service = await connect(connection);
      } catch (e) {
        io.err(`detc: ${connectFailure(e, connection)}\n`);
        return context.setExit(EXIT_USAGE);
      }
      let steps;
      try {
        steps = await deploySplunk(service, objects, { app: options.app, owner: options.owner, updateMacros: options.updateMacros ?? false, dryRun: options.dryRun ?? false }, describe);
      } catch (e) {
        io.err(`detc: ${origin}: ${e instanceof AppMissing ? e.message : describe(e)}\n`);
        return context.setExit(EXIT_USAGE);
      }
      for (const step of steps) {
        const line = `${step.action} ${step.kind} '${step.name}'${step.detail ? `: ${step.detail}` : ''}\n`;
        (step.action === 'failed' ? io.err : io.out)(line);
      }
      const failed = steps.filter((s) => s.action === 'failed').length;
      io.out(`${origin} (app ${options.app}): ${steps.length - failed} of ${steps.length} objects ${options.dryRun ? 'checked' : 'in place'}\n`);
      if (failed) context.setExit(EXIT_FINDINGS);
    });
}
