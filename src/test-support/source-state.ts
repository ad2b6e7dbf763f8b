/** A SourceState for tests that commit rows and care only about the source's id (and offset). */
import type { SourceState } from '../domain/source.js';

export function sourceState(id: string, offset = 10): SourceState {
  return {
    id,
    path: `/logs/${id}.log`,
    headLength: 10,
    headHash: `hash-${id}`,
    offset,
    lines: 1,
    records: 1,
    rejected: 0,
    bytesOut: 100,
    firstImported: 1,
    lastImported: 2,
  };
}
