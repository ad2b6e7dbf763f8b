/** `tally demo` as a child process for end-to-end tests: started as a newcomer starts it, stopped with Ctrl-C. */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TALLY_BIN } from './tally-server.js';

/** The project root, where a newcomer runs the demo and the docs' examples. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningDemo {
  child: ChildProcess;
  /** What it printed up to "Press Ctrl-C". */
  out: string;
  url: string;
}

/** Starts `tally demo --port 0 --data DATA`; resolves once it says the server is up. */
export function startDemo(data: string): Promise<RunningDemo> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [TALLY_BIN, 'demo', '--port', '0', '--data', data], {
      cwd: PROJECT_ROOT,
    });
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const url = /Tally is serving (\S+)/.exec(out)?.[1];
      if (url && out.includes('Press Ctrl-C')) done({ child, out, url });
    });
    child.on('exit', (code) => fail(new Error(`demo exited ${code}: ${out}`)));
  });
}

/** Ctrl-C, then waits for it to exit. */
export function stopDemo(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.removeAllListeners('exit');
    child.on('exit', () => done());
    child.kill('SIGINT');
  });
}
