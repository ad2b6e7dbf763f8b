/**
 * One Cell object per distinct (account, dimensions), however many paths lead to it: the
 * aggregator keys its rows by object identity, which is much cheaper than by key text.
 *
 * When nearly every lookup misses (a new object key per request), only some new cells are kept,
 * as in the path cache (sparse-keeping.ts). A cell asked for again without being kept gets a new
 * object with the same id: its lines may then make two rows for one (cell, bucket) in a batch,
 * which stays exact (stored rows are summed and viewers counted distinct at query time).
 */
import type { RowDimensions } from '../../domain/cell.js';
import { cellKey } from '../../domain/cell-id.js';
import { type Cell, makeCell } from '../cell.js';
import { SparseKeeping } from './sparse-keeping.js';

export class CellInterner {
  private readonly cells = new Map<string, Cell>();
  private readonly keeping = new SparseKeeping();

  constructor(private readonly limit: number) {}

  cellFor(account: string, dims: RowDimensions): Cell {
    this.keeping.lookup();
    // Most new paths lead to a cell already seen (another segment of the same stream): look it up
    // by key before paying for a new cell and its hash.
    const key = cellKey(account, dims);
    const found = this.cells.get(key);
    if (found !== undefined) {
      this.keeping.hit();
      return found;
    }
    const cell = makeCell(account, dims, key);
    if (this.keeping.keepMiss()) {
      // After an eviction a cell seen before gets a new object too (see above).
      if (this.cells.size >= this.limit) this.cells.clear();
      this.cells.set(cell.key, cell);
    }
    return cell;
  }
}
