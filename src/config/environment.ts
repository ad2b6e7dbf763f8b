/** The only place that reads process.env: defaults an operator can set without flags. */

export interface Environment {
  /** Default data dir when `--data` is not given. */
  dataDir: string;
  /** Set by CI; the demo skips its interactive wait when true. */
  ci: boolean;
  /** `tally sign` credentials, so they need not appear on a command line (shell history). */
  signApiKey: string | undefined;
  signSecret: string | undefined;
  signAccessKey: string | undefined;
  /** The native key for `--server URL` (a key on the command line would stay in shell history). */
  serverKey: string | undefined;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return {
    dataDir: env.TALLY_DATA || './tally-data',
    ci: env.CI === 'true',
    signApiKey: env.TALLY_SIGN_API_KEY || undefined,
    signSecret: env.TALLY_SIGN_SECRET || undefined,
    signAccessKey: env.TALLY_SIGN_ACCESS_KEY || undefined,
    serverKey: env.TALLY_KEY || undefined,
  };
}
