import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import { rowsOf } from '../../domain/rollup-columns.js';
import type { RollupRow } from '../../domain/rollup-row.js';
import { processorSettings } from '../../test-support/processor-settings.js';
import { type ChunkPipeline, InlinePipeline, WorkerPipeline } from './chunk-pipeline.js';
import type { ChunkResult } from './chunk-processor.js';

// Worker threads run the compiled worker (npm test builds it before the tests run).
const WORKER = fileURLToPath(new URL('../../../dist/ingest/pipeline/import-worker.js', import.meta.url));

const settings = processorSettings('combined');

/** Chunk `c` of `count`: lines of `bytes` = c * 1000 + i, some of them garbage. */
function chunk(c: number, count: number): { text: string; bytes: number; good: number } {
  const lines: string[] = [];
  let bytes = 0;
  let good = 0;
  for (let i = 0; i < count; i++) {
    if (i % 97 === 3) {
      lines.push(`not a log line ${c}.${i}`);
      continue;
    }
    const sent = c * 1000 + i;
    bytes += sent;
    good += 1;
    lines.push(
      `10.1.${c}.${i % 250} - - [01/Mar/2026:10:${String(i % 60).padStart(2, '0')}:00 +0000] "GET /vod/f${c}/seg_${i}.ts HTTP/1.1" 200 ${sent} "-" "p/1"`,
    );
  }
  return { text: lines.join('\n'), bytes, good };
}

const CHUNKS = Array.from({ length: 12 }, (_, c) => chunk(c, 300 + c * 37));

/** Submits every chunk, then drains: the results in delivery order and the rows handed over. */
async function run(
  pipeline: ChunkPipeline,
  probe = false,
): Promise<{ results: ChunkResult[]; rows: RollupRow[] }> {
  const results: ChunkResult[] = [];
  pipeline.begin((r) => results.push(r), { probe });
  for (const c of CHUNKS) {
    const encoded = Buffer.from(c.text);
    const bytes = pipeline.buffer(encoded.length);
    bytes.set(encoded);
    await pipeline.submit({ bytes, skipFirst: false });
  }
  await pipeline.settle();
  const drained = await pipeline.drain();
  return { results, rows: [...drained.rollups, ...drained.columns.flatMap(rowsOf)] };
}

const sum = (rows: RollupRow[], field: 'requests' | 'bytesOut') => rows.reduce((s, r) => s + r[field], 0);

describe('chunk pipelines', () => {
  const open: ChunkPipeline[] = [];
  afterEach(async () => {
    for (const p of open.splice(0)) await p.close();
  });

  test('inline: every chunk counted once, in order', async () => {
    const pipeline = new InlinePipeline(settings);
    open.push(pipeline);
    const { results, rows } = await run(pipeline);
    expect(results.map((r) => [r.records, r.bytesOut])).toEqual(CHUNKS.map((c) => [c.good, c.bytes]));
    expect(sum(rows, 'bytesOut')).toBe(CHUNKS.reduce((s, c) => s + c.bytes, 0));
    expect(sum(rows, 'requests')).toBe(CHUNKS.reduce((s, c) => s + c.good, 0));
  });

  test.skipIf(!existsSync(WORKER))(
    'workers: results in submission order however the threads finish, rows handed over whole',
    async () => {
      const pipeline = new WorkerPipeline(settings, [
        new Worker(WORKER),
        new Worker(WORKER),
        new Worker(WORKER),
      ]);
      open.push(pipeline);
      const { results, rows } = await run(pipeline, true);
      expect(results.map((r) => [r.records, r.rejected, r.bytesOut])).toEqual(
        CHUNKS.map((c) => [c.good, c.text.split('\n').length - c.good, c.bytes]),
      );
      expect(sum(rows, 'bytesOut')).toBe(CHUNKS.reduce((s, c) => s + c.bytes, 0));
      expect(sum(rows, 'requests')).toBe(CHUNKS.reduce((s, c) => s + c.good, 0));
      expect(pipeline.weight).toBe(0);
      // A drain with nothing new hands over nothing.
      const again = await pipeline.drain();
      expect(again.columns.flatMap(rowsOf)).toEqual([]);
    },
  );

  test.skipIf(!existsSync(WORKER))(
    'a worker that dies fails the pipeline instead of hanging it',
    async () => {
      const worker = new Worker(WORKER);
      const pipeline = new WorkerPipeline(settings, [worker]);
      open.push(pipeline);
      await worker.terminate();
      const bytes = pipeline.buffer(10);
      await expect(
        (async () => {
          await pipeline.submit({ bytes, skipFirst: false });
          await pipeline.drain();
        })(),
      ).rejects.toThrow(/import worker exited/);
    },
  );
});
