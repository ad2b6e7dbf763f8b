/** The only place that reads process.env: defaults an operator can set without flags. */

export interface Environment {
  /** Default data dir when `--data` is not given. */
  dataDir: string;
  /** Set by CI; the demo skips its interactive wait when true. */
  ci: boolean;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return {
    dataDir: env.TALLY_DATA || './tally-data',
    ci: env.CI === 'true',
  };
}
