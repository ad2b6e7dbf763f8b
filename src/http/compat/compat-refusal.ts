/**
 * A request a compatible API refuses: the HTTP status its document gives and a message. Each API
 * renders it in its own documented shape at its edge (ScaleEngine `{status: "failure"}`, Wowza's
 * `meta` envelope, Ooyala's and ZenDRIVE's `message`); nothing else reaches a client of theirs.
 */
export class CompatRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
