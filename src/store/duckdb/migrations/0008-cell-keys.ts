/**
 * Migration 8: new cells are staged as their id and key (the dimensions joined by U+0001, as
 * cellKey builds it) and split into columns by DuckDB: one string appended per cell instead of
 * nine, which is most of a commit's cost when every line is a new cell (an object key per request).
 * `cell_staging` stays for the rare cell whose dimensions hold U+0001 themselves.
 */
export const version = 8;

export const sql = `
CREATE TABLE cell_key_staging (cell BIGINT NOT NULL, cell_key VARCHAR NOT NULL);
`;
