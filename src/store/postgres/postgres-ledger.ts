/**
 * PostgresLedger: the BatchLedger (store/batch-ledger.ts) in the registry's PostgreSQL. A source is
 * held through a session-level advisory lock keyed by its id, on a connection of its own; the
 * pending write, the checkpoint and the event ids are rows of the registry's tables.
 */
import type pg from 'pg';
import { EVENTS_SOURCE, type SourceState } from '../../domain/source.js';
import type { BatchLedger, LedgerSource } from '../batch-ledger.js';
import type { BillingSnapshot, EventBatch } from '../usage-store.js';
import { inTransaction, int, type PostgresDatabase } from './postgres-database.js';
import { storedEventIds, writeCatalogEntry } from './postgres-rows.js';

export class PostgresLedger implements BatchLedger {
  constructor(private readonly db: PostgresDatabase) {}

  async withSource<T>(id: string, work: (source: LedgerSource) => Promise<T>): Promise<T> {
    return this.db.withLock(`tally:source:${id}`, async (client) => {
      const found = await client.query(
        `SELECT (SELECT offset_bytes FROM sources WHERE id = $1) AS checkpoint,
           (SELECT write_id FROM pending_writes WHERE source = $1) AS pending`,
        [id],
      );
      const row = found.rows[0];
      return work(new HeldSource(client, id, row.checkpoint, row.pending));
    });
  }

  withBilling<T>(work: () => Promise<T>): Promise<T> {
    return this.db.withLock('tally:billing', () => work());
  }

  async retention(): Promise<Map<string, number>> {
    const rows = await this.db.query('SELECT account, kept_from FROM retention');
    return new Map(rows.rows.map((r) => [r.account as string, int(r.kept_from)]));
  }

  async retain(account: string, before: number): Promise<void> {
    await this.db.query(
      `INSERT INTO retention VALUES ($1, $2)
       ON CONFLICT (account) DO UPDATE SET kept_from = greatest(retention.kept_from, excluded.kept_from)`,
      [account, before],
    );
  }

  async putSnapshot(s: BillingSnapshot): Promise<void> {
    await this.db.query('INSERT INTO billing_snapshots VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      s.takenAt,
      s.cutoff,
      s.changedRows,
    ]);
  }

  async lastSnapshot(): Promise<BillingSnapshot | undefined> {
    const rows = await this.db.query(
      'SELECT taken_at, cutoff, changed_rows FROM billing_snapshots ORDER BY taken_at DESC LIMIT 1',
    );
    const r = rows.rows[0];
    return r
      ? { takenAt: int(r.taken_at), cutoff: int(r.cutoff), changedRows: int(r.changed_rows) }
      : undefined;
  }
}

class HeldSource implements LedgerSource {
  readonly checkpoint: number;
  readonly exists: boolean;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly id: string,
    checkpoint: unknown,
    readonly pending: string | null,
  ) {
    this.exists = checkpoint !== null;
    this.checkpoint = checkpoint === null ? 0 : int(checkpoint);
  }

  async begin(write: string): Promise<void> {
    await this.client.query(
      `INSERT INTO pending_writes VALUES ($1, $2, $3)
       ON CONFLICT (source) DO UPDATE SET write_id = excluded.write_id, began_at = excluded.began_at`,
      [this.id, write, Date.now()],
    );
  }

  async abandon(): Promise<void> {
    await this.client.query('DELETE FROM pending_writes WHERE source = $1', [this.id]);
  }

  async finishImport(s: SourceState): Promise<void> {
    await inTransaction(this.client, async () => {
      await this.client.query(
        `INSERT INTO sources VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (id) DO UPDATE SET path = excluded.path, head_length = excluded.head_length,
           head_hash = excluded.head_hash, offset_bytes = excluded.offset_bytes, lines = excluded.lines,
           records = excluded.records, rejected = excluded.rejected, bytes_out = excluded.bytes_out,
           last_imported = excluded.last_imported, format = coalesce(excluded.format, sources.format)`,
        [
          s.id,
          s.path,
          s.headLength,
          s.headHash,
          s.offset,
          s.lines,
          s.records,
          s.rejected,
          s.bytesOut,
          s.firstImported,
          s.lastImported,
          s.format ?? null,
        ],
      );
      await this.client.query('DELETE FROM pending_writes WHERE source = $1', [this.id]);
    });
  }

  async finishEvents(batch: EventBatch, bytesOut: number): Promise<void> {
    await inTransaction(this.client, async () => {
      for (const transcoder of batch.transcoders ?? [])
        await writeCatalogEntry(this.client, transcoder, 'describe');
      await this.client.query('DELETE FROM event_ids WHERE received_at < $1', [batch.forgetIdsBefore]);
      if (batch.ids.length > 0)
        await this.client.query(
          `INSERT INTO event_ids SELECT a, i, d, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS k(a, i, d)`,
          [
            batch.ids.map((e) => e.account),
            batch.ids.map((e) => e.id),
            batch.ids.map((e) => e.digest),
            batch.receivedAt,
          ],
        );
      await this.client.query(
        `INSERT INTO sources VALUES ($1, 'POST /v1/events', 0, '', 0, $2, $2, 0, $3, $4, $4, 'events')
         ON CONFLICT (id) DO UPDATE SET lines = sources.lines + excluded.lines,
           records = sources.records + excluded.records, bytes_out = sources.bytes_out + excluded.bytes_out,
           last_imported = excluded.last_imported`,
        [EVENTS_SOURCE, batch.accepted, bytesOut, batch.receivedAt],
      );
      await this.client.query('DELETE FROM pending_writes WHERE source = $1', [this.id]);
    });
  }

  async forget(): Promise<void> {
    await inTransaction(this.client, async () => {
      // Forgetting events forgets their ids too, so the same events can be sent again.
      if (this.id === EVENTS_SOURCE) await this.client.query('DELETE FROM event_ids');
      await this.client.query('DELETE FROM sources WHERE id = $1', [this.id]);
      await this.client.query('DELETE FROM pending_writes WHERE source = $1', [this.id]);
    });
  }

  storedEventIds(ids: readonly { account: string; id: string }[]) {
    return storedEventIds(this.client, ids);
  }
}
