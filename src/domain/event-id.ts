/** An accepted event's id and a digest of its payload: what de-duplicates events sent again. */
export interface EventId {
  account: string;
  id: string;
  digest: string;
}
