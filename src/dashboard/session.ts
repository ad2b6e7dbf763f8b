/**
 * The signed-in key: kept in this tab's session storage only (never a cookie, never the query
 * string). A key may also come in the URL fragment (`#key=...`, for automation and shared links),
 * which browsers never send to the server; it is moved into session storage and wiped from the
 * address bar at once.
 */
const STORAGE = 'tally.key';

export function takeKeyFromFragment(): void {
  const match = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return;
  sessionStorage.setItem(STORAGE, decodeURIComponent(match[1]));
  history.replaceState(history.state, '', `${window.location.pathname}${window.location.search}`);
}

export function savedKey(): string | null {
  return sessionStorage.getItem(STORAGE);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(STORAGE, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE);
}
