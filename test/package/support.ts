// Shared by the packaging tests: the bundled content's build output, and a way to run the
// `package` / `deploy` commands exactly as cli.ts registers them, without going through cli.ts.
import { Command, CommanderError } from 'commander';
import { buildDistFiles } from '../../generators/build.ts';
import { loadCatalog, type Catalog } from '../../generators/catalog.ts';
import { formatDiagnostic, hasErrors, InputError } from '../../generators/diagnostics.ts';
import { registerPackageCommands } from '../../generators/package/commands.ts';
import { projectPath } from '../../generators/paths.ts';

let cached: { catalog: Catalog; files: Map<string, string> } | undefined;

/** The bundled rules and what `detc build` makes of them. */
export function bundled(): { catalog: Catalog; files: Map<string, string> } {
  if (!cached) {
    const catalog = loadCatalog(projectPath());
    if (hasErrors(catalog.diagnostics)) throw new Error(catalog.diagnostics.map(formatDiagnostic).join('\n'));
    cached = { catalog, files: buildDistFiles(catalog) };
  }
  return cached;
}

export function file(path: string): string {
  const text = bundled().files.get(path);
  if (text === undefined) throw new Error(`the build makes no ${path}`);
  return text;
}

/** Runs `detc <args>` for the commands of generators/package/commands.ts, with cli.ts's exit codes. */
export async function runPackageCommand(root: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let code = 0;
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  const program = new Command('detc').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  registerPackageCommands(program, {
    root: () => root,
    load: () => {
      const catalog = loadCatalog(root);
      catalog.diagnostics.forEach((d) => io.err(`${formatDiagnostic(d)}\n`));
      if (hasErrors(catalog.diagnostics)) throw new InputError([]);
      return catalog;
    },
    io,
    setExit: (c) => void (code = c),
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, out, err };
    if (e instanceof InputError) {
      e.diagnostics.forEach((d) => io.err(`${formatDiagnostic(d)}\n`));
      return { code: 2, out, err };
    }
    throw e;
  }
  return { code, out, err };
}
