/** Migration 7: a source keeps the format its lines were read as (shown by `GET /v1/sources` and the dashboard). */
export const version = 7;

export const sql = `
ALTER TABLE sources ADD COLUMN format VARCHAR;
`;
