/**
 * `tally keys create|list|revoke` (DESIGN section 6). Secrets are printed once; they are stored
 * hashed, and sealed as well for schemes that must recompute an HMAC (auth/sealed-secret.ts).
 */
import type { Command } from 'commander';
import { KEY_SCHEMES } from '../auth/keys.js';
import { type CreatedKey, createKey, type KeyView, keyView } from '../auth/manage-keys.js';
import { sealerFor } from '../auth/sealed-secret.js';
import { AppError } from '../domain/errors.js';
import { type CommonOptions, withTarget } from './context.js';
import { formatTable } from './output.js';

interface CreateFlags extends CommonOptions {
  account?: string;
  admin?: boolean;
  scheme: string;
  json?: boolean;
  expires?: string;
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .option('--account <id>', 'account the key may read')
    .option('--admin', 'an admin key (every account, account management)')
    .option('--scheme <scheme>', KEY_SCHEMES.join('|'), 'native')
    .option('--json', 'print {"account","scheme","key","secret"}')
    .option(
      '--expires <instant>',
      'the key is refused after this ISO 8601 instant (any scheme; Wowza access keys)',
    )
    .action(async (flags: CreateFlags) => {
      const wanted = {
        scheme: flags.scheme,
        account: flags.account,
        admin: flags.admin,
        expires: flags.expires,
      };
      const flagNames = { scheme: '--scheme', account: '--account', expires: '--expires', admin: '--admin' };
      const out = await withTarget(flags, {
        local: ({ store, config, secret }) =>
          createKey(
            store.registry,
            sealerFor(config, () => secret),
            wanted,
            flagNames,
          ),
        remote: (server) =>
          server.json<CreatedKey>('POST', '/v1/keys', {
            json: wanted,
            flags: flagNames,
          }),
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else process.stdout.write(`key ${out.key} for ${out.account}\nsecret (shown once): ${out.secret}\n`);
    });
  keys
    .command('list')
    .option('--json', 'print JSON')
    .action(async (flags: CommonOptions & { json?: boolean }) => {
      const { keys: list } = await withTarget(flags, {
        local: async ({ store }) => ({ keys: (await store.registry.listKeys()).map(keyView) }),
        remote: (server) => server.json<{ keys: KeyView[] }>('GET', '/v1/keys'),
      });
      if (flags.json) process.stdout.write(`${JSON.stringify({ keys: list })}\n`);
      else
        process.stdout.write(
          `${formatTable(
            ['key', 'account', 'scheme', 'created', 'revoked', 'expires'],
            list.map((k) => [k.key, k.account, k.scheme, k.created, k.revoked ?? '', k.expires ?? '']),
          )}\n`,
        );
    });
  keys
    .command('revoke')
    .argument('<KEY>', 'key id')
    .action(async (key: string, flags: CommonOptions) => {
      await withTarget(flags, {
        local: async ({ store }) => {
          if (!(await store.registry.revokeKey(key, Date.now())))
            throw new AppError('not-found', `KEY: no active key '${key}'`);
        },
        remote: (server) =>
          server.json('DELETE', `/v1/keys/${encodeURIComponent(key)}`, { flags: { id: 'KEY' } }),
      });
      process.stdout.write(`key ${key} revoked\n`);
    });
}
