/**
 * The time chart (uPlot): one series, or one per value of a dimension (the largest five, and the
 * rest summed as "other", so the series still add up to the total).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { UsageRow } from '../api.js';
import { label, showMetric } from '../format.js';

const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#64748b'];
const TOP = 5;

export interface Series {
  label: string;
  values: number[];
}

function add(values: number[], at: number | undefined, value: number): void {
  if (at !== undefined) values[at] = (values[at] ?? 0) + value;
}

/** Rows of `metric` by window (and by `dim`'s value when given) -> x (unix seconds) and series. */
export function toSeries(
  rows: readonly UsageRow[],
  metric: string,
  dim: string,
): { x: number[]; series: Series[] } {
  const x = [...new Set(rows.map((r) => Date.parse(String(r.window_start)) / 1000))].sort((a, b) => a - b);
  const index = new Map(x.map((t, i) => [t, i]));
  const amountOf = (r: UsageRow) => Number(r[metric] ?? 0);
  if (dim === '') {
    const values = x.map(() => 0);
    for (const r of rows) add(values, index.get(Date.parse(String(r.window_start)) / 1000), amountOf(r));
    return { x, series: [{ label: label(metric), values }] };
  }
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(String(r[dim]), (totals.get(String(r[dim])) ?? 0) + amountOf(r));
  const top = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([k]) => k);
  const series: Series[] = top.map((k) => ({ label: k === '' ? '(none)' : k, values: x.map(() => 0) }));
  const other: Series = { label: 'other', values: x.map(() => 0) };
  for (const r of rows) {
    const i = top.indexOf(String(r[dim]));
    const target = i >= 0 ? series[i] : other;
    if (target) add(target.values, index.get(Date.parse(String(r.window_start)) / 1000), amountOf(r));
  }
  return { x, series: totals.size > TOP ? [...series, other] : series };
}

export function TimeChart({
  rows,
  metric,
  dim,
  tz,
}: {
  rows: UsageRow[];
  metric: string;
  dim: string;
  tz: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const { x, series } = toSeries(rows, metric, dim);
    const plot = new uPlot(
      {
        width: el.clientWidth || 800,
        height: 280,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), tz),
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            value: (_u: uPlot, v: number | null) => (v === null ? '' : showMetric(metric, v).text),
          })),
        ],
        axes: [{}, { values: (_u, ticks) => ticks.map((v) => showMetric(metric, v).text), size: 70 }],
      },
      [x, ...series.map((s) => s.values)],
      el,
    );
    const resize = () => plot.setSize({ width: el.clientWidth || 800, height: 280 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [rows, metric, dim, tz]);
  return <div ref={box} class="chart" role="img" aria-label={`${metric} over time`} />;
}
