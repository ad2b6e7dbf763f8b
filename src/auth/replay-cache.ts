/**
 * Signatures seen within the timestamp window: a request replayed inside the window is refused.
 * After the window its timestamp is refused anyway, so entries expire with it.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** Records `signature` at `now`; false when it was already seen within the window. */
  firstUse(signature: string, now: number): boolean {
    if (this.seen.size > 10_000) {
      for (const [sig, at] of this.seen) if (now - at > this.windowMs * 2) this.seen.delete(sig);
    }
    const at = this.seen.get(signature);
    if (at !== undefined && now - at <= this.windowMs * 2) return false;
    this.seen.set(signature, now);
    return true;
  }
}
