/** `tally serve`: the HTTP server over the data dir (DESIGN sections 6 and 7). */

import type { Command } from 'commander';
import { badParameter } from '../domain/errors.js';
import { isValidTimeZone } from '../domain/time-window.js';
import type { ServerMetrics } from '../http/metrics.js';
import { type CliContext, type CommonOptions, openContext } from './context.js';

interface ServeFlags extends CommonOptions {
  host: string;
  port: string;
  insecureHttp?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  follow?: string[];
  logTimezone?: string;
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw badParameter('--port', `'${text}' is not a port number`);
  return port;
}

/** Follows log files inside the server process, which holds the store: new lines are queryable within seconds. */
function followTask(ctx: CliContext, files: string[], logTimezone: string | undefined) {
  return async (signal: AbortSignal, metrics: ServerMetrics): Promise<void> => {
    const { followFiles } = await import('../ingest/follow.js');
    await followFiles(files, {
      store: ctx.store,
      config: ctx.config,
      format: 'auto',
      logTimezone,
      secret: ctx.secret,
      rejectsDir: ctx.dir.rejectsDir,
      signal,
      onPass: (outcome) => metrics.countImport(outcome.format, outcome),
    });
  };
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the native API')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port', '8080')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'private key for --tls-cert (PEM)')
    .option('--insecure-http', 'allow plain HTTP for APIs that require HTTPS (local use only)')
    .option('--follow <FILE...>', 'also import these log files as they grow (format detected)')
    .option('--log-timezone <zone>', 'IANA time zone of wall-clock times in followed logs (Wowza)')
    .action(async (flags: ServeFlags) => {
      const port = parsePort(flags.port);
      if (flags.logTimezone !== undefined && !isValidTimeZone(flags.logTimezone))
        throw badParameter('--log-timezone', `'${flags.logTimezone}' is not an IANA time zone`);
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
        throw badParameter('--tls-cert', 'give both --tls-cert and --tls-key');
      // The HTTP stack loads only for the commands that serve, keeping every other command quick to start.
      const { ensureAdminKey, startServer } = await import('./server.js');
      const ctx = await openContext(flags);
      const adminSecret = await ensureAdminKey(ctx);
      const follow = flags.follow ?? [];
      const server = await startServer(ctx, {
        host: flags.host,
        port,
        tlsCert: flags.tlsCert,
        tlsKey: flags.tlsKey,
        insecureHttp: flags.insecureHttp ?? false,
        tasks: follow.length > 0 ? [followTask(ctx, follow, flags.logTimezone)] : [],
        followed: follow,
      });
      process.stdout.write(`tally serving ${server.url} (data: ${ctx.dir.root})\n`);
      if (flags.insecureHttp)
        process.stdout.write(
          'warning: --insecure-http: APIs that require HTTPS accept plain HTTP. Local use only.\n',
        );
      if (follow.length > 0) process.stdout.write(`following ${follow.join(', ')}\n`);
      if (adminSecret) process.stdout.write(`admin key (shown once, keep it safe): ${adminSecret}\n`);
    });
}
