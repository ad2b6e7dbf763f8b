/** Printing helpers shared by commands: aligned tables, and writing to stdout at the pace it drains. */

export type Cell = string | number | null | undefined;

export function formatTable(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => (r[i] ?? '').length)));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

/**
 * Writes to stdout and waits while the pipe is full, so a report of millions of rows piped into a
 * slow reader holds one batch in memory, not the whole output.
 */
export class StdoutWriter {
  write(text: string): Promise<void> {
    if (process.stdout.write(text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        process.stdout.off('drain', done);
        process.stdout.off('error', done);
        if (error) reject(error);
        else resolve();
      };
      process.stdout.once('drain', done);
      process.stdout.once('error', done);
    });
  }
}
