/**
 * Migration 3: what the compatible APIs need of keys and accounts. Keys of schemes that verify an
 * HMAC (ScaleEngine) keep their secret sealed (AES-256-GCM, key from the data dir), not only a
 * hash. Accounts get a stable number (ScaleEngine `cdn_id`, ZenDRIVE `service_id`), assigned in
 * creation order, and a suspended flag.
 */
export const version = 3;

export const sql = `
ALTER TABLE api_keys ADD COLUMN sealed_secret VARCHAR;
ALTER TABLE accounts ADD COLUMN number INTEGER;
ALTER TABLE accounts ADD COLUMN suspended BOOLEAN DEFAULT false;
UPDATE accounts SET number = x.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM accounts) x
  WHERE accounts.id = x.id;
UPDATE accounts SET suspended = false WHERE suspended IS NULL;
`;
