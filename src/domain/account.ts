/** A customer account. */

export interface Account {
  id: string;
  name: string;
  timezone: string;
  parent: string | null;
  match?: { hosts?: string[]; buckets?: string[]; apps?: string[] } | undefined;
  /**
   * ScaleEngine `cdn_id`, ZenDRIVE `service_id`: unique, and stable. Given, it is set (a number
   * another account holds is a `conflict`); absent, a new account takes the next free number and
   * an existing one keeps its own.
   */
  number?: number;
  /** A suspended account's compatible APIs answer "not active"; its data stays. Kept by putAccount when absent. */
  suspended?: boolean;
  /** Day of the month (1-28) the account's billing period starts: Wowza's default `from`. Default 1. */
  billingDay?: number;
}
