/**
 * `tally keys create|list|revoke` (DESIGN section 6). Secrets are printed once; they are stored
 * hashed, and sealed as well for schemes that must recompute an HMAC (auth/sealed-secret.ts).
 */
import type { Command } from 'commander';
import { issueKey, KEY_SCHEMES } from '../auth/keys.js';
import { sealerFor } from '../auth/sealed-secret.js';
import { installSecret } from '../config/data-dir.js';
import { AppError, badParameter } from '../domain/errors.js';
import type { KeyScheme } from '../store/store.js';
import { type CommonOptions, withContext } from './context.js';
import { formatTable } from './output.js';

/** Schemes whose APIs are served; the others arrive with their compatible API. */
const AVAILABLE_SCHEMES: readonly KeyScheme[] = ['native', 'scaleengine', 'zendrive'];
const MAX_ACTIVE_PER_SCHEME = 2;

interface CreateFlags extends CommonOptions {
  account?: string;
  admin?: boolean;
  scheme: string;
  json?: boolean;
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('manage API keys');
  keys
    .command('create')
    .option('--account <id>', 'account the key may read')
    .option('--admin', 'an admin key (every account, account management)')
    .option('--scheme <scheme>', KEY_SCHEMES.join('|'), 'native')
    .option('--json', 'print {"account","scheme","key","secret"}')
    .action(async (flags: CreateFlags) => {
      if (!(KEY_SCHEMES as readonly string[]).includes(flags.scheme))
        throw badParameter('--scheme', `'${flags.scheme}' is not one of ${KEY_SCHEMES.join(', ')}`);
      const scheme = flags.scheme as KeyScheme;
      if (!AVAILABLE_SCHEMES.includes(scheme)) {
        throw new AppError(
          'bad-parameter',
          `--scheme: '${scheme}' keys arrive with the ${scheme} compatible API; available: ${AVAILABLE_SCHEMES.join(', ')}`,
          { param: 'scheme' },
        );
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
          (k) => k.scheme === scheme && k.account === (flags.account ?? null) && k.revokedAt === null,
        );
        if (scheme !== 'native' && active.length >= MAX_ACTIVE_PER_SCHEME) {
          throw new AppError(
            'conflict',
            `account '${flags.account}' already has ${active.length} active ${scheme} keys (${active.map((k) => k.id).join(', ')}): revoke one first`,
          );
        }
        const sealer = sealerFor(config, () => installSecret(dir));
        const issued = issueKey(scheme, flags.account ?? null, { seal: sealer.seal });
        await store.putKey(issued.stored);
        const out = {
          account: flags.account ?? '*',
          scheme,
          key: issued.stored.id,
          secret: issued.secret,
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
        }));
        if (flags.json) process.stdout.write(`${JSON.stringify({ keys: list })}\n`);
        else
          process.stdout.write(
            `${formatTable(
              ['key', 'account', 'scheme', 'created', 'revoked'],
              list.map((k) => [k.key, k.account, k.scheme, k.created, k.revoked ?? '']),
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
