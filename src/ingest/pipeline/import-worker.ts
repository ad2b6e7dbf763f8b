/**
 * An import worker thread: processes the chunks it is sent with its own ChunkProcessor (handing
 * each chunk's buffer back with its result) and, on `drain`, hands its rows back column by column
 * in transferable arrays. Messages are handled in order, so a drain covers exactly the chunks sent
 * to this worker before it. Its settings come in the first message, so that it can be started
 * (and load its code) before the importer knows them.
 */
import { parentPort } from 'node:worker_threads';
import { columnBuffers, toColumns } from '../../domain/rollup-columns.js';
import type { ChunkInput, ChunkProcessor } from './chunk-processor.js';
import { createProcessor, type ProcessorSettings } from './processor-settings.js';

export type WorkerRequest =
  | { type: 'settings'; settings: ProcessorSettings }
  | { type: 'chunk'; input: ChunkInput }
  | { type: 'drain' };

const port = parentPort;
if (!port) throw new Error('import-worker must run as a worker thread');
let processor: ChunkProcessor | undefined;

port.on('message', (message: WorkerRequest) => {
  try {
    if (message.type === 'settings') {
      processor = createProcessor(message.settings);
    } else if (processor === undefined) {
      throw new Error(`import worker: '${message.type}' before its settings`);
    } else if (message.type === 'chunk') {
      const result = processor.process(message.input);
      // The chunk's buffer goes back for the importer to read the next chunk into.
      const buffer = message.input.bytes.buffer;
      port.postMessage({ type: 'chunk', result, buffer }, [buffer as ArrayBuffer]);
    } else {
      const columns = toColumns(processor.drain());
      port.postMessage({ type: 'drained', columns }, columnBuffers(columns));
    }
  } catch (error) {
    port.postMessage({ type: 'error', message: (error as Error).stack ?? String(error) });
  }
});
