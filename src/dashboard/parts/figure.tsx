/** A rounded figure with its exact value on hover (`title`) and for screen readers. */
import { type Shown, showMetric } from '../format.js';

export function Figure({ shown, className }: { shown: Shown; className?: string }) {
  return (
    <span class={className} title={shown.exact}>
      {shown.text}
    </span>
  );
}

/** A table cell of one metric of a usage row: rounded, exact in its title, named by `data-metric`. */
export function MetricCell({ row, metric }: { row: Record<string, string | number>; metric: string }) {
  return (
    <td class="number" data-metric={metric}>
      <Figure shown={showMetric(metric, Number(row[metric] ?? 0))} />
    </td>
  );
}
