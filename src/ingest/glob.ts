/**
 * `*` patterns (catalog `match.resources`): `*` stands for any run of characters, everything else
 * for itself. Matched without a regular expression, in time linear in pattern x text at worst
 * (a regex of many `.*` backtracks exponentially: `*a*a*a*a*a*a*a*a*a*a*a*b` took minutes).
 */

/** A matcher for `glob`, compiled once: the pattern split at its stars. */
export function compileGlob(glob: string): (text: string) => boolean {
  const parts = glob.split('*');
  if (parts.length === 1) return (text) => text === glob;
  const head = parts[0] ?? '';
  const tail = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((p) => p !== '');
  const least = head.length + tail.length + middle.reduce((n, p) => n + p.length, 0);
  return (text) => {
    if (text.length < least || !text.startsWith(head) || !text.endsWith(tail)) return false;
    // Each middle piece at its first place after the previous one: taking the first place leaves
    // the most room for the rest, so this greedy walk finds a match whenever there is one.
    let at = head.length;
    const end = text.length - tail.length;
    for (const piece of middle) {
      const found = text.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}
