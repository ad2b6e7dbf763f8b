/** Turns a logged request target into the path that rules see: no scheme/host, no query, decoded once. */

const ESCAPE_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * Percent-decodes once. Escapes that do not form valid UTF-8 (`%FF`) stay as written rather than
 * failing the whole path, so a hostile URL still counts its bytes.
 */
export function decodeOnce(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(ESCAPE_RUN, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * @example cleanPath('http://cdn.example/a%20b.ts?token=1') // '/a b.ts'
 */
export function cleanPath(target: string): string {
  let path = target;
  if (path.startsWith('http://') || path.startsWith('https://')) {
    const slash = path.indexOf('/', path.indexOf('//') + 2);
    path = slash < 0 ? '/' : path.slice(slash);
  }
  const query = path.indexOf('?');
  if (query >= 0) path = path.slice(0, query);
  return decodeOnce(path);
}
