/**
 * Where chunks of lines get processed: inline on the importing thread, or spread over worker
 * threads (one per core) for large files. Either way results are delivered in chunk order and
 * `drain` hands over the rows of every chunk submitted so far, which is what lets the importer
 * commit rows and checkpoint together.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RollupColumns } from '../../domain/rollup-columns.js';
import type { RollupRow } from '../../domain/rollup-row.js';
import type { ChunkInput, ChunkProcessor, ChunkResult } from './chunk-processor.js';
import type { WorkerRequest } from './import-worker.js';
import { createProcessor, type ProcessorSettings } from './processor-settings.js';

/** Rows handed over by a drain: as objects (inline) or column by column (from workers). */
export interface DrainedRows {
  rollups: RollupRow[];
  columns: RollupColumns[];
}

export interface ChunkPipeline {
  /**
   * Starts a file: the results of the chunks submitted from now on go to `onResult`, in
   * submission order. `probe`: until a result with records is in, each worker holds one chunk,
   * so the first result tells about the file's first lines alone (the importer judges from it
   * whether they fold well enough to be worth the workers).
   */
  begin(onResult: (result: ChunkResult) => void, options?: { probe?: boolean }): void;
  /**
   * A buffer of `length` bytes to fill with the next chunk's lines: one that came back from a
   * worker when there is one, so reading a large file allocates no buffer per chunk.
   */
  buffer(length: number): Uint8Array;
  /** Queues a chunk; resolves when there is room for another (backpressure). */
  submit(input: ChunkInput): Promise<void>;
  /** The rows of every chunk submitted so far, after all their results were delivered. */
  drain(): Promise<DrainedRows>;
  /** Resolves once the results of every chunk submitted so far were delivered. */
  settle(): Promise<void>;
  /** Rows plus viewer entries held, as of the latest results. */
  readonly weight: number;
  close(): Promise<void>;
}

export class InlinePipeline implements ChunkPipeline {
  weight = 0;
  private onResult: (result: ChunkResult) => void = () => undefined;
  private readonly processor: ChunkProcessor;
  /** Lines are processed before `submit` returns and nothing keeps them: one buffer serves every chunk. */
  private scratch = new ArrayBuffer(0);

  constructor(settings: ProcessorSettings) {
    this.processor = createProcessor(settings);
  }

  /** Each chunk is processed within `submit`: there is nothing to probe. */
  begin(onResult: (result: ChunkResult) => void): void {
    this.onResult = onResult;
  }

  buffer(length: number): Uint8Array {
    if (this.scratch.byteLength < length) this.scratch = new ArrayBuffer(bufferSize(length));
    return new Uint8Array(this.scratch, 0, length);
  }

  async submit(input: ChunkInput): Promise<void> {
    const result = this.processor.process(input);
    this.weight = result.weight;
    this.onResult(result);
  }

  async drain(): Promise<DrainedRows> {
    this.weight = 0;
    return { rollups: this.processor.drain(), columns: [] };
  }

  async settle(): Promise<void> {}

  async close(): Promise<void> {}
}

type WorkerMessage =
  | { type: 'chunk'; result: ChunkResult; buffer: ArrayBuffer }
  | { type: 'drained'; columns: RollupColumns }
  | { type: 'error'; message: string };

const WORKER_SCRIPT = fileURLToPath(new URL('./import-worker.js', import.meta.url));
/** Chunks queued per worker before `submit` waits: enough to keep workers busy, little memory. */
const IN_FLIGHT_PER_WORKER = 3;

/** Buffers are allocated in 64 KiB steps, so one that held a chunk fits the next (about as long). */
function bufferSize(length: number): number {
  return Math.ceil((length + 1) / 65536) * 65536;
}

/** True where the compiled worker script exists (not when running from TypeScript sources). */
export function workersAvailable(): boolean {
  return existsSync(WORKER_SCRIPT);
}

/** Worker threads for large files: one per core (at most 4), when the compiled worker is present. */
export function defaultWorkers(): number {
  return workersAvailable() ? Math.min(availableParallelism(), 4) : 0;
}

/**
 * Starts import worker threads without settings (a WorkerPipeline sends them): a thread takes
 * tens of milliseconds to load, which can pass while the importer opens the store.
 */
export function startImportWorkers(count: number): Worker[] {
  return Array.from({ length: count }, () => {
    const worker = new Worker(WORKER_SCRIPT);
    // A worker that fails before a pipeline takes it exits: the pipeline sees that it has.
    worker.on('error', () => undefined);
    return worker;
  });
}

export class WorkerPipeline implements ChunkPipeline {
  private onResult: (result: ChunkResult) => void = () => undefined;
  /** Until a result with records is in, each worker holds one chunk (`begin`'s probe). */
  private probing = false;
  private readonly workers: Worker[];
  private readonly weights: number[];
  private submitted = 0;
  private delivered = 0;
  private readonly results = new Map<number, ChunkResult>();
  /** Per worker, the sequence numbers of its chunks in flight, oldest first. */
  private readonly queues: number[][];
  /** Chunk buffers the workers handed back, for the next chunks. */
  private readonly spare: ArrayBuffer[] = [];
  private slotWaiter: (() => void) | undefined;
  private settleWaiter: (() => void) | undefined;
  private drainWaiters: ((columns: RollupColumns) => void)[] = [];
  private failure: Error | undefined;
  private failWaiters: ((error: Error) => void)[] = [];
  private closing = false;

  /** `workers`: threads from startImportWorkers, which this pipeline then owns. */
  constructor(settings: ProcessorSettings, workers: Worker[]) {
    this.workers = workers;
    workers.forEach((worker, index) => {
      worker.on('message', (message: WorkerMessage) => this.receive(index, message));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => this.fail(new Error(`import worker exited with code ${code}`)));
      if (worker.threadId < 0) this.fail(new Error('import worker exited before it was used'));
      this.post(worker, { type: 'settings', settings });
    });
    this.weights = this.workers.map(() => 0);
    this.queues = this.workers.map(() => []);
  }

  get weight(): number {
    return this.weights.reduce((a, b) => a + b, 0);
  }

  begin(onResult: (result: ChunkResult) => void, options: { probe?: boolean } = {}): void {
    this.onResult = onResult;
    this.probing = options.probe ?? false;
  }

  private inFlightLimit(): number {
    return (this.probing ? 1 : IN_FLIGHT_PER_WORKER) * this.workers.length;
  }

  private inFlight(): number {
    return this.submitted - this.delivered - this.results.size;
  }

  buffer(length: number): Uint8Array {
    let buffer = this.spare.pop();
    if (buffer === undefined || buffer.byteLength < length) buffer = new ArrayBuffer(bufferSize(length));
    return new Uint8Array(buffer, 0, length);
  }

  async submit(input: ChunkInput): Promise<void> {
    if (this.failure) throw this.failure;
    const seq = this.submitted++;
    const index = seq % this.workers.length;
    this.queues[index]?.push(seq);
    const bytes = input.bytes;
    const worker = this.workers[index];
    if (worker) this.post(worker, { type: 'chunk', input }, [bytes.buffer as ArrayBuffer]);
    if (this.inFlight() >= this.inFlightLimit()) {
      await this.until((resume) => {
        this.slotWaiter = resume;
      });
    }
  }

  async drain(): Promise<DrainedRows> {
    if (this.failure) throw this.failure;
    // Handed on as the workers packed them: the store writes columns without a row object each.
    const columns = await this.until<RollupColumns[]>((resume) => {
      const collected: RollupColumns[] = [];
      this.drainWaiters = this.workers.map(() => (part: RollupColumns) => {
        collected.push(part);
        if (collected.length === this.workers.length) resume(collected);
      });
      for (const worker of this.workers) this.post(worker, { type: 'drain' });
    });
    return { rollups: [], columns };
  }

  async settle(): Promise<void> {
    if (this.delivered === this.submitted) return;
    await this.until((resume) => {
      this.settleWaiter = resume;
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    // Not awaited: a thread takes about 10 ms to wind down, which can pass while the store closes.
    for (const worker of this.workers) worker.terminate().catch(() => undefined);
  }

  private post(worker: Worker, request: WorkerRequest, transfer?: ArrayBuffer[]): void {
    worker.postMessage(request, transfer);
  }

  /** Waits for `arm` to call back, or for a worker failure, whichever comes first. */
  private until<T = void>(arm: (resume: (value: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.failWaiters.push(reject);
      arm((value) => {
        this.failWaiters = this.failWaiters.filter((r) => r !== reject);
        resolve(value);
      });
    });
  }

  private receive(index: number, message: WorkerMessage): void {
    switch (message.type) {
      case 'chunk': {
        const seq = this.queues[index]?.shift() as number;
        // At most one spare per chunk that can be in flight: the rest are left to the collector.
        if (this.spare.length < this.inFlightLimit()) this.spare.push(message.buffer);
        this.weights[index] = message.result.weight;
        this.results.set(seq, message.result);
        // Deliver in submission order: a later chunk from a faster worker waits for earlier ones.
        for (
          let next = this.results.get(this.delivered);
          next !== undefined;
          next = this.results.get(this.delivered)
        ) {
          this.results.delete(this.delivered);
          this.delivered += 1;
          if (next.records > 0) this.probing = false;
          this.onResult(next);
        }
        const settled = this.settleWaiter;
        if (settled && this.delivered === this.submitted) {
          this.settleWaiter = undefined;
          settled();
        }
        const waiter = this.slotWaiter;
        if (waiter && this.inFlight() < this.inFlightLimit()) {
          this.slotWaiter = undefined;
          waiter();
        }
        return;
      }
      case 'drained':
        this.weights[index] = 0;
        this.drainWaiters[index]?.(message.columns);
        return;
      case 'error':
        this.fail(new Error(`import worker: ${message.message}`));
        return;
    }
  }

  private fail(error: Error): void {
    if (this.failure || this.closing) return;
    this.failure = error;
    for (const reject of this.failWaiters) reject(error);
    this.failWaiters = [];
  }
}
