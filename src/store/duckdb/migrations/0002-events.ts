/**
 * Migration 2: usage events. `event_ids` remembers the ids of accepted events, with a digest of
 * their payload, for the de-duplication window (DESIGN section 4): a repeat with the same digest
 * is ignored, one with another digest is a conflict. Meter rows go to `meters` (migration 1).
 */
export const version = 2;

export const sql = `
CREATE TABLE event_ids (
  account VARCHAR NOT NULL, id VARCHAR NOT NULL, digest VARCHAR NOT NULL, received_at BIGINT NOT NULL,
  PRIMARY KEY (account, id)
);
`;
