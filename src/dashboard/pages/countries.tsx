/** Usage by country for the period: a world map shaded by bytes out or unique viewers, with the table beside it. */
import type { ComponentType } from 'preact';
import { usageRows } from '../api.js';
import { label } from '../format.js';
import { MAP_METRICS } from '../parts/controls.js';
import { MetricCell } from '../parts/figure.js';
import { Failure, Loading } from '../parts/status.js';
import { useLoad } from '../parts/use-load.js';
import type { UsageScope } from '../period.js';

const METRICS = ['bytes_out', 'unique_viewers', 'requests', 'view_seconds'];

interface Props extends UsageScope {
  metric: string;
}

export function Countries({ apiKey, account, range, tz, metric }: Props) {
  const shaded = MAP_METRICS.includes(metric) ? metric : 'bytes_out';
  const loaded = useLoad(async () => {
    const [{ rows }, map] = await Promise.all([
      usageRows(apiKey, {
        account,
        ...range,
        tz,
        granularity: 'total',
        group_by: 'country',
        metrics: METRICS.join(','),
        order_by: `-${shaded}`,
      }),
      import('../parts/world-map.js'),
    ]);
    return { rows, WorldMap: map.default as ComponentType<{ values: Map<string, number>; metric: string }> };
  }, [apiKey, account, range.from, range.to, tz, shaded]);
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} />;
  const { rows, WorldMap } = loaded.data;
  const values = new Map(rows.map((r) => [String(r.country), Number(r[shaded] ?? 0)]));
  return (
    <section class="countries" aria-labelledby="countries-title">
      <h2 id="countries-title">{label(shaded)} by country</h2>
      <WorldMap values={values} metric={shaded} />
      <table class="by-country" data-rows={rows.length}>
        <thead>
          <tr>
            <th scope="col">Country</th>
            {METRICS.map((m) => (
              <th key={m} scope="col" class="number">
                {label(m)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r.country)} data-country={String(r.country)}>
              <td>
                {String(r.country) === '' ? <span class="muted">(not placed)</span> : String(r.country)}
              </td>
              {METRICS.map((m) => (
                <MetricCell key={m} row={r} metric={m} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p class="status">No usage in this period.</p>}
    </section>
  );
}
