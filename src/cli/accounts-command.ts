/** `tally accounts add|list`. */
import type { Command } from 'commander';
import { parseAccountInput } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import { type AccountView, accountView } from '../query/account-view.js';
import { type CommonOptions, withTarget } from './context.js';
import { formatTable } from './output.js';

interface AddFlags extends CommonOptions {
  name?: string;
  timezone?: string;
  parent?: string;
  billingDay?: string;
  number?: string;
}

/** The flag of each account field, for refusals from a server. */
const ACCOUNT_FLAGS = {
  name: '--name',
  timezone: '--timezone',
  parent: '--parent',
  billingDay: '--billing-day',
  number: '--number',
};

export function registerAccountsCommand(program: Command): void {
  const accounts = program.command('accounts').description('manage accounts');
  accounts
    .command('add')
    .argument('<ID>', 'account id')
    .option('--name <name>', 'display name')
    .option('--timezone <zone>', 'IANA time zone for reports', 'UTC')
    .option('--parent <id>', 'parent account')
    .option('--billing-day <day>', 'day of the month (1-28) the billing period starts (Wowza default from)')
    .option('--number <n>', 'ScaleEngine cdn_id / ZenDRIVE service_id (default: the next free number)')
    .action(async (id: string, flags: AddFlags) => {
      const billingDay = flags.billingDay === undefined ? undefined : Number(flags.billingDay);
      const number = flags.number === undefined ? undefined : Number(flags.number);
      const account = parseAccountInput(
        { id, name: flags.name, timezone: flags.timezone, parent: flags.parent ?? null, billingDay, number },
        'accounts add',
      );
      await withTarget(flags, {
        local: ({ store }) => store.registry.putAccount(account),
        remote: async (server) => {
          await server.json('POST', '/v1/accounts', { json: account, flags: ACCOUNT_FLAGS });
        },
      });
      process.stdout.write(`account ${id} saved\n`);
    });
  accounts
    .command('list')
    .option('--json', 'print JSON')
    .action(async (flags: CommonOptions & { json?: boolean }) => {
      const list = await withTarget(flags, {
        local: async ({ store }) => (await store.registry.listAccounts()).map(accountView),
        remote: async (server) =>
          (await server.json<{ accounts: AccountView[] }>('GET', '/v1/accounts')).accounts,
      });
      if (flags.json) process.stdout.write(`${JSON.stringify({ accounts: list })}\n`);
      else
        process.stdout.write(
          `${formatTable(
            ['id', 'number', 'name', 'timezone', 'parent', 'status'],
            list.map((a) => [
              a.id,
              String(a.number ?? ''),
              a.name,
              a.timezone,
              a.parent ?? '',
              a.suspended ? 'suspended' : 'active',
            ]),
          )}\n`,
        );
    });
  for (const [name, suspended] of [
    ['suspend', true],
    ['resume', false],
  ] as const) {
    accounts
      .command(name)
      .description(
        suspended
          ? 'suspend an account: its compatible APIs answer that the service is not active (usage is kept)'
          : 'make a suspended account active again',
      )
      .argument('<ID>', 'account id')
      .action(async (id: string, flags: CommonOptions) => {
        await withTarget(flags, {
          local: async ({ store }) => {
            const account = await store.registry.getAccount(id);
            if (!account) throw new AppError('not-found', `ID: unknown account '${id}'`, { param: 'ID' });
            await store.registry.putAccount({ ...account, suspended });
          },
          remote: async (server) => {
            await server.json('PATCH', `/v1/accounts/${encodeURIComponent(id)}`, {
              json: { suspended },
              flags: { id: 'ID' },
            });
          },
        });
        process.stdout.write(`account ${id} ${suspended ? 'suspended' : 'active'}\n`);
      });
  }
}
