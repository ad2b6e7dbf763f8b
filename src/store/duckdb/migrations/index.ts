/** Every migration, in order. Add a file `NNNN-name.ts` exporting `version` and `sql`, then list it here. */
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-events.js';
import * as m0003 from './0003-compat-keys.js';
import * as m0004 from './0004-catalog-billing.js';
import * as m0005 from './0005-used-signatures.js';
import * as m0006 from './0006-retention.js';
import * as m0007 from './0007-source-format.js';
import * as m0008 from './0008-cell-keys.js';
import * as m0009 from './0009-cells-unkeyed.js';

export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  m0001,
  m0002,
  m0003,
  m0004,
  m0005,
  m0006,
  m0007,
  m0008,
  m0009,
];
