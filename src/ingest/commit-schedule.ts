/**
 * When an import commits what it holds: when the rows held weigh enough (rows plus viewer entries:
 * this bounds memory), or when a commit is due by time (follow mode: new lines become queryable
 * within `everyMs`). Where a commit is safe is the importer's business; this says only when.
 */
export class CommitSchedule {
  private lastAt: number;

  constructor(
    /** Commit once the pipeline holds this weight; the importer lowers it while workers hold rows. */
    public flushWeight: number,
    private readonly everyMs: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.lastAt = now();
  }

  due(weight: number): boolean {
    return (
      weight >= this.flushWeight || (this.everyMs !== undefined && this.now() - this.lastAt >= this.everyMs)
    );
  }

  /** A commit starts now: the time until the next one counts from here. */
  committing(): void {
    this.lastAt = this.now();
  }
}
