/**
 * An account as `GET /v1/accounts` answers it and `tally accounts list --json` prints it: the
 * same fields in the same order (the order of the API's schema), whichever way it was read.
 */
import type { Account } from '../domain/account.js';

export type AccountView = Account;

export function accountView(a: Account): AccountView {
  return {
    id: a.id,
    name: a.name,
    timezone: a.timezone,
    parent: a.parent,
    ...(a.billingDay === undefined ? {} : { billingDay: a.billingDay }),
    ...(a.number === undefined ? {} : { number: a.number }),
    ...(a.match === undefined ? {} : { match: a.match }),
    ...(a.suspended === undefined ? {} : { suspended: a.suspended }),
  };
}
