/**
 * A file whose lines are nearly all rejected was read with the wrong format (or is not a log): it
 * is refused whole, so that the right import still finds every line. "Nearly all" is at least
 * REFUSE_SHARE of the lines that were not blank or comments, judged once the first commit is due
 * or the file ends; a file that has already had lines committed in the same run is not refused
 * part-way (the importer asks only before its first commit).
 */
import { likelyFormat } from './file-format.js';

const REFUSE_SHARE = 0.9;
/** A file imported before is refused only over this many lines: a few bad lines appended to it are just rejects. */
const REFUSE_MIN_RESUMED_LINES = 100;

export interface FormatJudgement {
  path: string;
  /** The format the lines were read as. */
  format: string;
  records: number;
  rejected: number;
  /** The file continues a source imported before. */
  resumed: boolean;
  /** The first rejected line's reason. */
  firstReason: string | undefined;
  /** The file's first bytes, to say which format they look like. */
  head: Buffer;
}

/** The problem to refuse the file with, or undefined when its lines were read in the right format. */
export function wrongFormatProblem(j: FormatJudgement): string | undefined {
  const judged = j.records + j.rejected;
  if (j.rejected === 0 || j.rejected < judged * REFUSE_SHARE) return undefined;
  if (j.resumed && judged < REFUSE_MIN_RESUMED_LINES) return undefined;
  const likely = likelyFormat(j.head);
  const hint =
    likely === undefined
      ? 'no known format matches its first lines'
      : likely === j.format
        ? `its first lines look like ${likely}: see the rejects file for why its lines were refused`
        : `its first lines look like ${likely}: try --format ${likely}`;
  return `nothing imported from ${j.path}: ${j.rejected} of ${judged} lines rejected as ${j.format}${j.firstReason ? ` (first: ${j.firstReason})` : ''}; ${hint}`;
}
