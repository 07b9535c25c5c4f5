// The writer thread of startFileWriter (file-writer.ts): writes what every port brings, in the
// order each brings it, and ends once every port is closed.
import { workerData, type MessagePort } from 'node:worker_threads';
import { writeWhole } from './cache-dir.ts';
import { distUpToDate, stageDist, staleFiles, type DistStagingData, type StagedDist } from './dist-writer.ts';
import type { FileWriterData, WriteRequest } from './file-writer.ts';

const { port: starter } = workerData as FileWriterData;

// A port keeps this thread alive until it is closed: by this side once its thread says it is
// done, or by the other side (a thread that ended without saying so). Then the thread ends.
function listen(port: MessagePort): void {
  port.on('message', (request: WriteRequest) => {
    if ('keep' in request) {
      try {
        writeWhole(request.keep, request.data);
      } catch {
        // A cache that cannot be written: the entry is only not kept.
      }
    } else if ('stage' in request) starter.postMessage(stage(request.stage));
    else if ('port' in request) listen(request.port);
    else port.close();
  });
}

function stage({ distDir, files, mode }: DistStagingData): StagedDist {
  try {
    if (mode === 'check') return { kind: 'stale', stale: staleFiles(distDir, files) };
    return distUpToDate(distDir, files) ? { kind: 'up-to-date' } : { kind: 'staged', staging: stageDist(distDir, files) };
  } catch (e) {
    return { kind: 'failed', error: (e as Error).message };
  }
}

listen(starter);
