/** A rounded figure with its exact value on hover (`title`) and for screen readers. */
import type { Shown } from '../format.js';

export function Figure({ shown, className }: { shown: Shown; className?: string }) {
  return (
    <span class={className} title={shown.exact}>
      {shown.text}
    </span>
  );
}
