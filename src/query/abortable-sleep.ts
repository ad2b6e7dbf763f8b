/** Waits `ms`, or less when `signal` aborts first (or has already): for the server's scheduled tasks. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  // An abort that came while the caller was busy has fired its event already: listening for it
  // now would wait the whole interval (a server stopped right after starting hung for 12 hours).
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
