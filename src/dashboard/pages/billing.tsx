/**
 * Billing: per stream target, the delivery bytes used and the bytes billed (ultra low latency
 * targets bill what billing snapshots froze: docs/api/wowza.md), for the period; when the last
 * snapshot was taken and when the server takes the next; an admin may take one now.
 */
import { useState } from 'preact/hooks';
import { ApiError, getJson, sendJson, usageRows } from '../api.js';
import { MetricCell } from '../parts/figure.js';
import { Failure, Loading } from '../parts/status.js';
import { useLoad } from '../parts/use-load.js';
import type { UsageScope } from '../period.js';

interface Snapshot {
  taken_at: string;
  cutoff: string;
  changed_rows: number;
}

interface Props extends UsageScope {
  admin: boolean;
}

export function Billing({ apiKey, account, range, tz, admin }: Props) {
  const [version, setVersion] = useState(0);
  const [problem, setProblem] = useState<string | undefined>();
  const loaded = useLoad(
    async () => {
      const [usage, snapshots] = await Promise.all([
        usageRows(apiKey, {
          account,
          ...range,
          tz,
          granularity: 'total',
          group_by: 'target',
          metrics: 'bytes_out,billed_bytes_out',
        }),
        getJson<{ last: Snapshot | null; every_hours: number; next_due: string }>(
          apiKey,
          '/v1/billing/snapshots',
        ),
      ]);
      return { rows: usage.rows, snapshots };
    },
    [apiKey, account, range.from, range.to, tz, version],
    true,
  );
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} />;
  const { rows, snapshots } = loaded.data;
  const take = async () => {
    setProblem(undefined);
    try {
      await sendJson(apiKey, 'POST', '/v1/billing/snapshots');
      setVersion((v) => v + 1);
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : String(error));
    }
  };
  return (
    <section class="billing" aria-labelledby="billing-title">
      <h2 id="billing-title">Billing</h2>
      <table class="by-target" data-rows={rows.length}>
        <thead>
          <tr>
            <th scope="col">Stream target</th>
            <th scope="col" class="number">
              Bytes used
            </th>
            <th scope="col" class="number">
              Bytes billed
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r.target)} data-target={String(r.target)}>
              <td>
                {String(r.target) === '' ? <span class="muted">(no stream target)</span> : String(r.target)}
              </td>
              <MetricCell row={r} metric="bytes_out" />
              <MetricCell row={r} metric="billed_bytes_out" />
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p class="status">No usage in this period.</p>}
      <h3>Snapshots</h3>
      <p class="snapshots" data-taken={snapshots.last?.taken_at ?? ''}>
        {snapshots.last
          ? `Last snapshot taken ${snapshots.last.taken_at}: buckets before ${snapshots.last.cutoff} billed (${snapshots.last.changed_rows} rows changed).`
          : 'No snapshot taken yet.'}{' '}
        The server takes one every {snapshots.every_hours} hours; the next is due {snapshots.next_due}.
      </p>
      {admin && (
        <button type="button" onClick={take}>
          Take a snapshot now
        </button>
      )}
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
