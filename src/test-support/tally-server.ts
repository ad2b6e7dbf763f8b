/**
 * `tally serve` as a child process for end-to-end tests: started the way a user starts it, ready
 * once it has printed its URL (and, on a first start, its admin key).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TALLY_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/tally.js');

export interface TallyServer {
  child: ChildProcess;
  url: string;
  /** The admin key printed on the first start of a data dir ('' when none was printed). */
  adminKey: string;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  /** SIGTERM, then the exit code once it has stopped. */
  stop: () => Promise<number | null>;
}

/** Starts `tally serve --port 0 ...args`; resolves when it is listening (rejects after 30 s). */
export function startTallyServer(
  args: readonly string[],
  options: { adminKey?: boolean } = {},
): Promise<TallyServer> {
  const waitForKey = options.adminKey ?? true;
  const child = spawn(process.execPath, [TALLY_BIN, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`tally serve did not start: ${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /tally serving (\S+)/.exec(out)?.[1];
      const key = /admin key \(shown once, keep it safe\): (\S+)/.exec(out)?.[1];
      if (url && (key || !waitForKey)) {
        clearTimeout(timer);
        done({
          child,
          url,
          adminKey: key ?? '',
          output: () => out,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => fail(new Error(`tally serve exited with ${code}: ${out}`)));
  });
}
