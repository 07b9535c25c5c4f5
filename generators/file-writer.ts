// Files written on a thread of their own while the checks run. `detc build` of 1,000 rules
// writes ≈ 5,600 files into dist/ and ≈ 1,600 entries into the cache of checks; creating a file
// waits on the disk (0.03 to 0.6 ms each on our CI machine, 0.2 to 3.5 s for dist/ alone), and
// written after the checks, or by the threads that check, that wait came on top of them. Every
// thread posts its writes here instead (the check workers through a port each) and goes on.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { DistStagingData, StagedDist } from './dist-writer.ts';
import { startSourceWorker } from './source-workers.ts';

/** Where a thread's cache entries go: written whole (cache-dir.ts writeWhole), best effort. */
export interface FileSink {
  keep(file: string, data: Uint8Array): void;
}

/** What goes through a port to the writer thread. */
export type WriteRequest =
  | { readonly keep: string; readonly data: Uint8Array }
  | { readonly stage: DistStagingData }
  /** Another thread's port (FileWriter.port), from the thread that started the writer. */
  | { readonly port: MessagePort }
  /** Nothing more comes through this port. */
  | { readonly end: true };

/** What the writer thread is given: the port of the thread that started it. */
export interface FileWriterData {
  readonly port: MessagePort;
}

export interface FileWriter extends FileSink {
  /** A port for another thread (transfer it): keepThrough(port) there; it must end() it. */
  port(): MessagePort;
  /**
   * dist/'s files compared with dist/ and, if they differ, staged (dist-writer.ts stageDist),
   * or (mode check) only compared: after the writes posted before it.
   */
  stageDist(data: DistStagingData): Promise<StagedDist>;
  /** Resolves once every write posted here and through every port is done, and the thread has ended. */
  close(): Promise<void>;
}

/** Defined (as the URL of the worker's own bundle) when this module runs from bin/cli-loader.js's bundle. */
declare const DETC_FILE_WRITER_BUNDLE: string | undefined;

export function startFileWriter(): FileWriter {
  const { port1: here, port2: there } = new MessageChannel();
  const worker = startSourceWorker('file-writer-worker.ts', typeof DETC_FILE_WRITER_BUNDLE === 'string' ? DETC_FILE_WRITER_BUNDLE : undefined, {
    workerData: { port: there } satisfies FileWriterData,
    transferList: [there],
  });
  // The thread keeps this process alive until it ends (close): the port need not.
  here.unref();
  const ended = new Promise<void>((done) => worker.once('exit', () => done()));
  // A thread that fails is a failed staging, never a failed command: cache writes are best effort.
  let failure: string | undefined;
  worker.once('error', (e) => (failure = e.message));
  const staged: Array<(result: StagedDist) => void> = [];
  here.on('message', (result: StagedDist) => staged.shift()?.(result));
  void ended.then(() => {
    for (const answer of staged.splice(0)) answer({ kind: 'failed', error: failure ?? 'the thread writing files stopped' });
  });
  return {
    keep: (file, data) => here.postMessage({ keep: file, data } satisfies WriteRequest),
    port: () => {
      const { port1, port2 } = new MessageChannel();
      here.postMessage({ port: port1 } satisfies WriteRequest, [port1]);
      return port2;
    },
    stageDist: (data) =>
      new Promise<StagedDist>((answer) => {
        staged.push(answer);
        here.postMessage({ stage: data } satisfies WriteRequest);
      }),
    close: async () => {
      here.postMessage({ end: true } satisfies WriteRequest);
      await ended;
      here.close();
    },
  };
}

/** A FileSink on another thread: posts to the writer through `port` (FileWriter.port). */
export function keepThrough(port: MessagePort): FileSink & { end(): void } {
  return {
    keep: (file, data) => port.postMessage({ keep: file, data } satisfies WriteRequest),
    end: () => {
      port.postMessage({ end: true } satisfies WriteRequest);
      port.close();
    },
  };
}
