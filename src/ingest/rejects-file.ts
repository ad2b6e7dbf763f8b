/**
 * The rejects file of one import: every line that did not become a record, with its file, line
 * number and reason, so nothing is silently dropped (`DATA/rejects/import-<time>.tsv`).
 * Columns: file, line, reason, the line as read. Created only when there is something to keep.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class RejectsFile {
  private fd: number | undefined;
  readonly path: string;

  constructor(
    private readonly dir: string,
    startedAt: Date,
  ) {
    this.path = join(dir, `import-${startedAt.toISOString().replace(/[:.]/g, '-')}-${process.pid}.tsv`);
  }

  add(file: string, lineNumber: number, reason: string, line: string): void {
    if (this.fd === undefined) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.fd = openSync(this.path, 'a', 0o600);
      writeSync(this.fd, 'file\tline\treason\ttext\n');
    }
    // Tabs and newlines inside the reason would break the columns; the line itself has no newline.
    writeSync(this.fd, `${file}\t${lineNumber}\t${reason.replace(/[\t\n]/g, ' ')}\t${line}\n`);
  }

  /** The file's path when anything was written, else null (as `rejects_file` in the summary). */
  close(): string | null {
    if (this.fd === undefined) return null;
    closeSync(this.fd);
    this.fd = undefined;
    return this.path;
  }
}
