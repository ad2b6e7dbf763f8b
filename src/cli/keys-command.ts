/**
 * `tally keys create|list|revoke` (DESIGN section 6). Secrets are printed once; they are stored
 * hashed, and sealed as well for schemes that must recompute an HMAC (auth/sealed-secret.ts).
 */
import type { Command } from 'commander';
import { issueKey, KEY_SCHEMES, keyIsLive } from '../auth/keys.js';
import { sealerFor } from '../auth/sealed-secret.js';
import { installSecret } from '../config/data-dir.js';
import { AppError, badParameter } from '../domain/errors.js';
import type { KeyScheme } from '../store/store.js';
import { type CommonOptions, withContext } from './context.js';
import { formatTable } from './output.js';

const MAX_ACTIVE_PER_SCHEME = 2;

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
      if (!(KEY_SCHEMES as readonly string[]).includes(flags.scheme))
        throw badParameter('--scheme', `'${flags.scheme}' is not one of ${KEY_SCHEMES.join(', ')}`);
      const scheme = flags.scheme as KeyScheme;
      let expiresAt: number | null = null;
      if (flags.expires !== undefined) {
        expiresAt = Date.parse(flags.expires);
        if (Number.isNaN(expiresAt) || expiresAt <= Date.now()) {
          throw badParameter('--expires', `'${flags.expires}' is not a future ISO 8601 instant`);
        }
      }
      if ((flags.account === undefined) === (flags.admin !== true))
        throw badParameter('--account', 'give exactly one of --account ID or --admin');
      if (scheme !== 'native' && flags.admin)
        throw badParameter('--admin', `${scheme} keys belong to one account: use --account ID`);
      await withContext(flags, async ({ store, dir, config }) => {
        if (flags.account !== undefined && !(await store.getAccount(flags.account)))
          throw badParameter('--account', `unknown account '${flags.account}'`);
        // Two active keys per account and scheme: enough to rotate (create the new, switch, revoke the old).
        const active = (await store.listKeys()).filter(
          (k) => k.scheme === scheme && k.account === (flags.account ?? null) && keyIsLive(k, Date.now()),
        );
        if (scheme !== 'native' && active.length >= MAX_ACTIVE_PER_SCHEME) {
          throw new AppError(
            'conflict',
            `account '${flags.account}' already has ${active.length} active ${scheme} keys (${active.map((k) => k.id).join(', ')}): revoke one first`,
          );
        }
        const sealer = sealerFor(config, () => installSecret(dir));
        const issued = issueKey(scheme, flags.account ?? null, { seal: sealer.seal, expiresAt });
        await store.putKey(issued.stored);
        // For wowza, `key` is the wsc-api-key and `secret` the wsc-access-key (DESIGN section 6); the
        // access key is the stored id (it is what `keys list` shows and `keys revoke` takes).
        const out = {
          account: flags.account ?? '*',
          scheme,
          key: scheme === 'wowza' ? issued.secret : issued.stored.id,
          secret: scheme === 'wowza' ? issued.stored.id : issued.secret,
        };
        if (flags.json) process.stdout.write(`${JSON.stringify(out)}\n`);
        else process.stdout.write(`key ${out.key} for ${out.account}\nsecret (shown once): ${out.secret}\n`);
      });
    });
  keys
    .command('list')
    .option('--json', 'print JSON')
    .action(async (flags: CommonOptions & { json?: boolean }) => {
      await withContext(flags, async ({ store }) => {
        const list = (await store.listKeys()).map((k) => ({
          key: k.id,
          account: k.account ?? '*',
          scheme: k.scheme,
          created: new Date(k.createdAt).toISOString(),
          revoked: k.revokedAt === null ? null : new Date(k.revokedAt).toISOString(),
          expires: k.expiresAt ? new Date(k.expiresAt).toISOString() : null,
        }));
        if (flags.json) process.stdout.write(`${JSON.stringify({ keys: list })}\n`);
        else
          process.stdout.write(
            `${formatTable(
              ['key', 'account', 'scheme', 'created', 'revoked', 'expires'],
              list.map((k) => [k.key, k.account, k.scheme, k.created, k.revoked ?? '', k.expires ?? '']),
            )}\n`,
          );
      });
    });
  keys
    .command('revoke')
    .argument('<KEY>', 'key id')
    .action(async (key: string, flags: CommonOptions) => {
      await withContext(flags, async ({ store }) => {
        if (!(await store.revokeKey(key, Date.now())))
          throw new AppError('not-found', `KEY: no active key '${key}'`);
        process.stdout.write(`key ${key} revoked\n`);
      });
    });
}
