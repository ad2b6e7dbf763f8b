/**
 * One Cell object per distinct (account, dimensions), however many paths lead to it: the
 * aggregator keys its rows by object identity, which is much cheaper than by key text.
 *
 * When nearly every lookup misses (a new object key per request), keeping every new cell only
 * churns the map and promotes cells the next lines never ask for, so then only every SPARSE-th
 * new cell is kept, as the path cache does. A cell asked for again without being kept gets a new
 * object with the same id: its lines may then make two rows for one (cell, bucket) in a batch,
 * which stays exact (stored rows are summed and viewers counted distinct at query time).
 */
import type { RowDimensions } from '../../domain/cell.js';
import { cellKey } from '../../domain/cell-id.js';
import { type Cell, makeCell } from '../cell.js';

const HIT_RATE_WINDOW = 65_536;
const LOW_HIT_RATE = 0.25;
const SPARSE = 16;

export class CellInterner {
  private readonly cells = new Map<string, Cell>();
  private lookups = 0;
  private hits = 0;
  private misses = 0;
  private keepEvery = 1;

  constructor(private readonly limit: number) {}

  cellFor(account: string, dims: RowDimensions): Cell {
    if (++this.lookups === HIT_RATE_WINDOW) {
      this.keepEvery = this.hits < HIT_RATE_WINDOW * LOW_HIT_RATE ? SPARSE : 1;
      this.lookups = 0;
      this.hits = 0;
    }
    // Most new paths lead to a cell already seen (another segment of the same stream): look it up
    // by key before paying for a new cell and its hash.
    const key = cellKey(account, dims);
    const found = this.cells.get(key);
    if (found !== undefined) {
      this.hits += 1;
      return found;
    }
    const cell = makeCell(account, dims, key);
    if (++this.misses % this.keepEvery === 0) {
      // After an eviction a cell seen before gets a new object too (see above).
      if (this.cells.size >= this.limit) this.cells.clear();
      this.cells.set(cell.key, cell);
    }
    return cell;
  }
}
