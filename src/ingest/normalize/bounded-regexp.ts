/**
 * Regular expressions from the configuration (path rules), bounded in time on any input. V8
 * runs them with its usual backtracking engine, and switches a match to its linear-time engine
 * once it backtracks too much, so a rule like `^(a+)+b$` cannot stall an import or a server on a
 * crafted path. The linear engine cannot run lookarounds or backreferences, so a rule that uses
 * them is refused when the config is loaded rather than left unbounded.
 */
import { setFlagsFromString } from 'node:v8';

// Process-wide, worker threads included; read when a regular expression is compiled or run.
// `on-excessive-backtracks` falls back after 50,000 backtracks (V8's default threshold).
setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** Compiles `source`, or says why it cannot be used. */
export function compileBoundedRegExp(source: string): { regex: RegExp } | { problem: string } {
  try {
    // The `l` flag asks for the linear engine, which refuses what it cannot run in linear time.
    new RegExp(source, 'l');
  } catch (error) {
    const message = (error as Error).message;
    if (/linear time/.test(message))
      return {
        problem:
          'uses a lookaround or a backreference, which can take exponential time on some paths; rewrite it without them',
      };
    return { problem: message };
  }
  return { regex: new RegExp(source) };
}
