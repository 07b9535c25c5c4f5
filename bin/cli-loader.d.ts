// Types of bin/cli-loader.js, for the tests and benchmarks that import it.
export function loadCli(): Promise<(argv: string[]) => Promise<number>>;
/** The CLI's bundle, made now if it is not there, and its Kusto snapshot's files (the blob may not be made yet). */
export function cliBundle(): Promise<{ bundle: string; snapshot: { entry: string; blob: string } }>;
/** The entry of the Kusto snapshot as one CommonJS script, written to `outfile`. */
export function bundleKustoSnapshotEntry(outfile: string): Promise<void>;
