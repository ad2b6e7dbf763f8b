/**
 * Breakdown of a period by one dimension or a pair: every row (read at once), sortable by any
 * column, filtered by a text box, shown a page at a time, and downloadable as CSV: exactly the
 * rows shown, all pages, in the order shown.
 */
import { useMemo, useState } from 'preact/hooks';
import { DELIVERY_METRICS } from '../../domain/metrics.js';
import { type UsageRow, usageRows } from '../api.js';
import { csvText } from '../csv.js';
import { label } from '../format.js';
import { MetricCell } from '../parts/figure.js';
import { Failure, Loading } from '../parts/status.js';
import { useLoad } from '../parts/use-load.js';
import type { Range, UsageScope } from '../period.js';

/** Every delivery metric, in the API's order (the metrics it answers when none are named). */
const TABLE_METRICS: readonly string[] = DELIVERY_METRICS;
const PAGE_ROWS = 50;

interface Props extends UsageScope {
  dims: string[];
}

export function Breakdown({ apiKey, account, range, tz, dims }: Props) {
  const loaded = useLoad(
    () =>
      usageRows(apiKey, {
        account,
        ...range,
        tz,
        granularity: 'total',
        group_by: dims.join(','),
        metrics: TABLE_METRICS.join(','),
        order_by: '-bytes_out',
      }),
    [apiKey, account, range.from, range.to, tz, dims.join(',')],
  );
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} />;
  return <Table rows={loaded.data.rows} dims={dims} account={account} range={range} />;
}

function Table({
  rows,
  dims,
  account,
  range,
}: {
  rows: UsageRow[];
  dims: string[];
  account: string;
  range: Range;
}) {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ column: string; descending: boolean }>({
    column: 'bytes_out',
    descending: true,
  });
  const [page, setPage] = useState(0);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const kept =
      needle === ''
        ? rows
        : rows.filter((r) => dims.some((d) => String(r[d]).toLowerCase().includes(needle)));
    // A stable sort of rows in the API's order: ties keep the API's order (by dimension values).
    const { column, descending } = sort;
    return [...kept].sort((a, b) => {
      const x = a[column] ?? '';
      const y = b[column] ?? '';
      const order =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x) < String(y)
            ? -1
            : String(x) > String(y)
              ? 1
              : 0;
      return descending ? -order : order;
    });
  }, [rows, filter, sort, dims]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_ROWS));
  const current = Math.min(page, pages - 1);
  const visible = shown.slice(current * PAGE_ROWS, (current + 1) * PAGE_ROWS);
  const columns = ['window_start', 'window_end', ...dims, ...TABLE_METRICS];
  const download = () => {
    const url = URL.createObjectURL(new Blob([csvText(columns, shown)], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `usage-${account}-${range.from}-${dims.join('-')}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const header = (column: string, text: string) => {
    const active = sort.column === column;
    return (
      <th
        key={column}
        scope="col"
        aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
        class={TABLE_METRICS.includes(column) ? 'number' : undefined}
      >
        <button
          type="button"
          onClick={() => {
            setSort({ column, descending: active ? !sort.descending : TABLE_METRICS.includes(column) });
            setPage(0);
          }}
        >
          {text}
          {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
        </button>
      </th>
    );
  };
  return (
    <div>
      <div class="table-tools">
        <label>
          Filter {dims.join(' / ')}{' '}
          <input
            type="search"
            value={filter}
            onInput={(e) => {
              setFilter((e.target as HTMLInputElement).value);
              setPage(0);
            }}
          />
        </label>
        <button type="button" onClick={download}>
          Download CSV ({shown.length} {shown.length === 1 ? 'row' : 'rows'})
        </button>
      </div>
      <div class="table-scroll">
        <table class="breakdown" data-rows={shown.length}>
          <thead>
            <tr>
              {dims.map((d) => header(d, d))}
              {TABLE_METRICS.map((m) => header(m, label(m)))}
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <tr key={dims.map((d) => r[d]).join('\u0000')}>
                {dims.map((d) => (
                  <td key={d} data-dim={d}>
                    {String(r[d]) === '' ? <span class="muted">(none)</span> : String(r[d])}
                  </td>
                ))}
                {TABLE_METRICS.map((m) => (
                  <MetricCell key={m} row={r} metric={m} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && (
        <p class="status">No usage in this period{filter ? ' matches the filter' : ''}.</p>
      )}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
          Previous
        </button>
        <span>
          rows {shown.length === 0 ? 0 : current * PAGE_ROWS + 1}–
          {Math.min(shown.length, (current + 1) * PAGE_ROWS)} of {shown.length}
        </span>
        <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
          Next
        </button>
      </nav>
    </div>
  );
}
