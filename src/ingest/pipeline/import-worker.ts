/**
 * An import worker thread: processes the chunks it is sent with its own ChunkProcessor and, on
 * `drain`, hands its rows back packed into transferable arrays. Messages are handled in order, so
 * a drain covers exactly the chunks sent to this worker before it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ChunkInput } from './chunk-processor.js';
import { packRows, transferables } from './packed-rows.js';
import { createProcessor, type ProcessorSettings } from './processor-settings.js';

const port = parentPort;
if (!port) throw new Error('import-worker must run as a worker thread');
const processor = createProcessor(workerData as ProcessorSettings);

port.on('message', (message: { type: 'chunk'; input: ChunkInput } | { type: 'drain' }) => {
  try {
    if (message.type === 'chunk') {
      port.postMessage({ type: 'chunk', result: processor.process(message.input) });
    } else {
      const packed = packRows(processor.drain());
      port.postMessage({ type: 'drained', packed }, transferables(packed));
    }
  } catch (error) {
    port.postMessage({ type: 'error', message: (error as Error).stack ?? String(error) });
  }
});
