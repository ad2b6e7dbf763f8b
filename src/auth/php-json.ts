/**
 * JSON text as PHP's `json_encode($value)` (default flags) writes it: no spaces, `/` escaped as
 * `\/`, every non-ASCII character as a lower-case `\uXXXX` escape (UTF-16, so astral characters
 * become surrogate pairs). ScaleEngine clients sign exactly this text, so the server must be able
 * to rebuild it byte for byte from the decoded request.
 */

function phpString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    switch (code) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x2f:
        out += '\\/';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        out += code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, '0')}` : text[i];
    }
  }
  return `${out}"`;
}

export function phpJsonEncode(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'string') return phpString(value);
  if (Array.isArray(value)) return `[${value.map(phpJsonEncode).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${phpString(k)}:${phpJsonEncode(v)}`).join(',')}}`;
}
