/** Loads data for a view and keeps what a page shows of it: loading, the data, or the API's error. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'ready'; data: T }
  | { state: 'failed'; error: ApiError };

/**
 * Runs `load` whenever `deps` change. With `keep`, what was loaded stays on screen while it
 * reloads (a page being edited must not blink away); without, the page says it is loading.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], keep = false): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    if (!keep) setLoaded({ state: 'loading' });
    load().then(
      (data) => current && setLoaded({ state: 'ready', data }),
      (error: unknown) =>
        current &&
        setLoaded({
          state: 'failed',
          error: error instanceof ApiError ? error : new ApiError(0, 'error', String(error)),
        }),
    );
    return () => {
      current = false;
    };
  }, deps);
  return loaded;
}
