/**
 * Migration 5: signatures of signed requests already accepted (ScaleEngine), kept until their
 * timestamp could no longer be accepted anyway, so a replay is refused across server restarts.
 * Only a digest of each signature is kept.
 */
export const version = 5;

export const sql = `
CREATE TABLE used_signatures (
  scheme VARCHAR NOT NULL, digest VARCHAR NOT NULL, expires_at BIGINT NOT NULL,
  PRIMARY KEY (scheme, digest)
);
`;
