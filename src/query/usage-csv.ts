/**
 * Usage rows as CSV (RFC 4180: CRLF line ends, quotes doubled), for `tally report --format csv`
 * and `GET /v1/usage` as `text/csv`. Safe to open in a spreadsheet: a text cell starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return (a resource named `=HYPERLINK(...)`, say) is
 * prefixed with `'` so it is shown as text, never run as a formula (OWASP's CSV injection advice).
 * Numbers are written as they are.
 */
import { stringify } from 'csv-stringify/sync';
import type { UsageQuery } from '../domain/usage-query.js';
import type { UsageBodyRow } from './run-usage-query.js';

export type CsvCell = string | number | null | undefined;

/** The columns of a usage query's rows, in order: window bounds, group-by dimensions, metrics. */
export function usageColumns(query: UsageQuery): string[] {
  return ['window_start', 'window_end', ...query.groupBy, ...query.metrics];
}

/** CSV lines, each ending in CRLF ('' for no rows). */
export function csvLines(rows: readonly (readonly CsvCell[])[]): string {
  if (rows.length === 0) return '';
  return stringify(rows as CsvCell[][], { escape_formulas: true, record_delimiter: '\r\n' });
}

/** Body rows as CSV lines under `columns`. */
export function usageCsvLines(columns: readonly string[], rows: readonly UsageBodyRow[]): string {
  return csvLines(rows.map((r) => columns.map((c) => r[c])));
}
