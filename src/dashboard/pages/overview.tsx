/**
 * Overview of one account for a period: tiles (bytes out, requests, unique viewers, viewing time,
 * error rate), each against the period before, and a time chart of one metric, split by a
 * dimension when asked.
 */
import { type UsageRow, usageRows } from '../api.js';
import { label, SHOWN_METRICS, showChange, showMetric, showShare } from '../format.js';
import { Figure } from '../parts/figure.js';
import { Failure, Loading } from '../parts/status.js';
import { TimeChart } from '../parts/time-chart.js';
import { useLoad } from '../parts/use-load.js';
import { chartGranularity, previousRange, type Range, type UsageScope } from '../period.js';

/** The tiles' metrics (the error rate is client and server errors over requests). */
const TILE_METRICS = SHOWN_METRICS;

interface Props extends UsageScope {
  metric: string;
  dim: string;
}

/** The totals of a range: one row (granularity total), or zeros for a range without usage. */
async function totals(apiKey: string, account: string, range: Range, tz: string): Promise<UsageRow> {
  const { rows } = await usageRows(apiKey, {
    account,
    ...range,
    tz,
    granularity: 'total',
    metrics: TILE_METRICS.join(','),
  });
  return rows[0] ?? Object.fromEntries(TILE_METRICS.map((m) => [m, 0]));
}

export function Overview({ apiKey, account, range, tz, metric, dim }: Props) {
  const tiles = useLoad(async () => {
    const [now, before] = await Promise.all([
      totals(apiKey, account, range, tz),
      totals(apiKey, account, previousRange(range), tz),
    ]);
    return { now, before };
  }, [apiKey, account, range.from, range.to, tz]);
  const granularity = chartGranularity(range);
  const chart = useLoad(
    () =>
      usageRows(apiKey, {
        account,
        ...range,
        tz,
        granularity,
        metrics: metric,
        ...(dim ? { group_by: dim } : {}),
      }),
    [apiKey, account, range.from, range.to, tz, metric, dim, granularity],
  );
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      {tiles.state === 'loading' && <Loading />}
      {tiles.state === 'failed' && <Failure error={tiles.error} />}
      {tiles.state === 'ready' && <Tiles now={tiles.data.now} before={tiles.data.before} />}
      <h3>
        {label(metric)} by {granularity}
        {dim ? `, by ${dim}` : ''}
      </h3>
      {chart.state === 'loading' && <Loading />}
      {chart.state === 'failed' && <Failure error={chart.error} />}
      {chart.state === 'ready' &&
        (chart.data.rows.length === 0 ? (
          <p class="status">No usage in this period.</p>
        ) : (
          <TimeChart rows={chart.data.rows} metric={metric} dim={dim} tz={tz} />
        ))}
    </section>
  );
}

function Tiles({ now, before }: { now: UsageRow; before: UsageRow }) {
  const n = (row: UsageRow, m: string) => Number(row[m] ?? 0);
  const errors = (row: UsageRow) => n(row, 'client_errors') + n(row, 'server_errors');
  return (
    <ul class="tiles">
      {['bytes_out', 'requests', 'unique_viewers', 'view_seconds'].map((m) => (
        <li key={m} class="tile" data-metric={m}>
          <span class="tile-label">{label(m)}</span>
          <Figure className="tile-value" shown={showMetric(m, n(now, m))} />
          <span class="tile-change">
            {showChange(n(now, m), n(before, m))} <span class="muted">vs previous period</span>
          </span>
        </li>
      ))}
      <li class="tile" data-metric="error_rate">
        <span class="tile-label">Error rate (4xx and 5xx)</span>
        <Figure className="tile-value" shown={showShare(errors(now), n(now, 'requests'))} />
        <span class="tile-change">
          {showShare(errors(before), n(before, 'requests')).text}{' '}
          <span class="muted">in the previous period</span>
        </span>
      </li>
    </ul>
  );
}
