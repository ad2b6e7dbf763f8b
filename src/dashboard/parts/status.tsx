/** What a page shows while it loads or when the API refused: never a blank screen. */
import type { ApiError } from '../api.js';

export function Loading() {
  return (
    <p class="status" aria-live="polite">
      Loading…
    </p>
  );
}

export function Failure({ error }: { error: ApiError }) {
  return (
    <p class="status error" role="alert">
      {error.message}
      {error.status ? ` (${error.status} ${error.code})` : ''}
    </p>
  );
}
