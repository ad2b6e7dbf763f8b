/**
 * `tally sign ooyala|wowza URL`: what a client needs to call the signed compatible APIs from the
 * shell. Ooyala: prints the URL with `api_key`, `expires` and `signature` added. Wowza: prints the
 * three HMAC headers (`wsc-access-key`, `wsc-timestamp`, `wsc-signature`) as curl `-H` arguments.
 * It reads no data dir: credentials come from flags or TALLY_SIGN_* environment variables.
 */

import type { Command } from 'commander';
import { MAX_EXPIRES_AHEAD_S, ooyalaSignature } from '../auth/ooyala-signature.js';
import { wowzaSignature } from '../auth/wowza-signature.js';
import { readEnvironment } from '../config/environment.js';
import { badParameter } from '../domain/errors.js';

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw badParameter('URL', `'${text}' is not an absolute URL`);
  }
}

export function registerSignCommand(program: Command): void {
  const sign = program.command('sign').description('sign a request for the Ooyala or Wowza compatible API');
  sign
    .command('ooyala')
    .argument('<URL>', 'the request URL without api_key, expires and signature')
    .option('--api-key <key>', 'Ooyala API key (pcode.suffix); default TALLY_SIGN_API_KEY')
    .option('--secret <secret>', 'its secret; default TALLY_SIGN_SECRET')
    .option('--expires-in <seconds>', 'seconds the signed URL stays valid', '300')
    .action((text: string, flags: { apiKey?: string; secret?: string; expiresIn: string }) => {
      const env = readEnvironment();
      const apiKey = flags.apiKey ?? env.signApiKey;
      const secret = flags.secret ?? env.signSecret;
      if (!apiKey) throw badParameter('--api-key', 'required (or TALLY_SIGN_API_KEY)');
      if (!secret) throw badParameter('--secret', 'required (or TALLY_SIGN_SECRET)');
      const seconds = Number(flags.expiresIn);
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_EXPIRES_AHEAD_S)
        throw badParameter('--expires-in', `a number of seconds from 1 to ${MAX_EXPIRES_AHEAD_S} (one day)`);
      const url = parseUrl(text);
      url.searchParams.set('api_key', apiKey);
      url.searchParams.set('expires', String(Math.floor(Date.now() / 1000) + seconds));
      const params = Object.fromEntries(url.searchParams);
      url.searchParams.set('signature', ooyalaSignature(secret, 'GET', url.pathname, params));
      process.stdout.write(`${url.toString()}\n`);
    });
  sign
    .command('wowza')
    .argument('<URL>', 'the request URL')
    .option('--api-key <key>', 'wsc-api-key; default TALLY_SIGN_API_KEY')
    .option('--access-key <key>', 'wsc-access-key; default TALLY_SIGN_ACCESS_KEY')
    .action((text: string, flags: { apiKey?: string; accessKey?: string }) => {
      const env = readEnvironment();
      const apiKey = flags.apiKey ?? env.signApiKey;
      const accessKey = flags.accessKey ?? env.signAccessKey;
      if (!apiKey) throw badParameter('--api-key', 'required (or TALLY_SIGN_API_KEY)');
      if (!accessKey) throw badParameter('--access-key', 'required (or TALLY_SIGN_ACCESS_KEY)');
      const url = parseUrl(text);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = wowzaSignature(apiKey, timestamp, url.pathname);
      process.stdout.write(
        `-H wsc-access-key:${accessKey} -H wsc-timestamp:${timestamp} -H wsc-signature:${signature}\n`,
      );
    });
}
