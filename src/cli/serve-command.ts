/** `tally serve`: the HTTP server over the data dir (DESIGN sections 6 and 7). */
import type { Command } from 'commander';
import { badParameter } from '../domain/errors.js';
import { type CommonOptions, openContext } from './context.js';

interface ServeFlags extends CommonOptions {
  host: string;
  port: string;
  insecureHttp?: boolean;
  tlsCert?: string;
  tlsKey?: string;
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw badParameter('--port', `'${text}' is not a port number`);
  return port;
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
    .action(async (flags: ServeFlags) => {
      const port = parsePort(flags.port);
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
        throw badParameter('--tls-cert', 'give both --tls-cert and --tls-key');
      // The HTTP stack loads only for the commands that serve, keeping every other command quick to start.
      const { ensureAdminKey, startServer } = await import('./server.js');
      const ctx = await openContext(flags);
      const adminSecret = await ensureAdminKey(ctx);
      const server = await startServer(ctx, {
        host: flags.host,
        port,
        tlsCert: flags.tlsCert,
        tlsKey: flags.tlsKey,
      });
      process.stdout.write(`tally serving ${server.url} (data: ${ctx.dir.root})\n`);
      if (flags.insecureHttp)
        process.stdout.write(
          'warning: --insecure-http: APIs that require HTTPS accept plain HTTP. Local use only.\n',
        );
      if (adminSecret) process.stdout.write(`admin key (shown once, keep it safe): ${adminSecret}\n`);
    });
}
