/** A source as `GET /v1/sources` answers it and `tally sources list --json` prints it. */
import type { SourceState } from '../domain/source.js';

export interface SourceView {
  id: string;
  path: string;
  /** The format its lines were read as; null for sources imported before Tally kept it. */
  format: string | null;
  offset: number;
  lines: number;
  records: number;
  rejected: number;
  bytes_out: number;
  first_imported: string;
  last_imported: string;
}

export function sourceView(s: SourceState): SourceView {
  return {
    id: s.id,
    path: s.path,
    format: s.format ?? null,
    offset: s.offset,
    lines: s.lines,
    records: s.records,
    rejected: s.rejected,
    bytes_out: s.bytesOut,
    first_imported: new Date(s.firstImported).toISOString(),
    last_imported: new Date(s.lastImported).toISOString(),
  };
}
