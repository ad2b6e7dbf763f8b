/**
 * Migration 9: `cells` without its primary key. Keeping the key's index cost DuckDB more than the
 * rest of adding a cell (measured by hand, 1M new cells in batches of 200k: 5.5-6.0 s with the
 * index, 2.9-3.6 s without), and the index guarded nothing: cells are only added by
 * `addCells`, under the one writer's lock, and only those whose id is not stored yet. Queries join
 * `cells` by hash, never through the index. DuckDB cannot drop a constraint, so the table is copied.
 */
export const version = 9;

export const sql = `
CREATE TABLE cells_unkeyed (
  cell BIGINT NOT NULL, account VARCHAR NOT NULL, app VARCHAR NOT NULL, resource VARCHAR NOT NULL,
  kind VARCHAR NOT NULL, target VARCHAR NOT NULL, rendition VARCHAR NOT NULL, protocol VARCHAR NOT NULL,
  zone VARCHAR NOT NULL, country VARCHAR NOT NULL
);
INSERT INTO cells_unkeyed SELECT * FROM cells;
DROP TABLE cells;
ALTER TABLE cells_unkeyed RENAME TO cells;
`;
