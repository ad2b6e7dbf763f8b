/**
 * The rows a table shows as CSV, the way `GET /v1/usage?format=csv` writes them: RFC 4180, CRLF
 * line ends, quotes doubled, and a text cell a spreadsheet would run as a formula prefixed with `'`.
 */

function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvText(
  columns: readonly string[],
  rows: readonly Record<string, string | number>[],
): string {
  return [columns, ...rows.map((r) => columns.map((c) => r[c]))]
    .map((line) => line.map(cell).join(','))
    .join('\r\n')
    .concat('\r\n');
}
