/**
 * One Cell object per distinct (account, dimensions), however many paths lead to it: the
 * aggregator keys its rows by object identity, which is much cheaper than by key text.
 */
import type { RowDimensions } from '../../domain/cell.js';
import { cellKey } from '../../domain/cell-id.js';
import { type Cell, makeCell } from '../cell.js';

export class CellInterner {
  private readonly cells = new Map<string, Cell>();

  constructor(private readonly limit: number) {}

  cellFor(account: string, dims: RowDimensions): Cell {
    // Most new paths lead to a cell already seen (another segment of the same stream): look it up
    // by key before paying for a new cell and its hash.
    const key = cellKey(account, dims);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = makeCell(account, dims, key);
      // After an eviction a cell seen before gets a new object, so one batch may hold two rows for
      // the same (cell, bucket). That stays exact: stored rows are summed and viewers counted
      // distinct at query time.
      if (this.cells.size >= this.limit) this.cells.clear();
      this.cells.set(cell.key, cell);
    }
    return cell;
  }
}
