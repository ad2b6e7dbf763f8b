/**
 * The view's controls: account, period (with the custom range), time zone, and what the page
 * shows (the chart's metric and split, the breakdown's dimensions, the map's shading). Each
 * change goes into the URL (view-state.ts).
 */

import { DIMENSIONS } from '../../domain/dimensions.js';
import type { Account } from '../api.js';
import { label, SHOWN_METRICS } from '../format.js';
import { PERIODS } from '../period.js';
import type { ViewState } from '../view-state.js';

/** The map shades by these. */
export const MAP_METRICS = ['bytes_out', 'unique_viewers'];

interface ChoiceProps {
  text: string;
  id?: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
}

/** A labelled select. */
function Choice({ text, id, value, options, onChange }: ChoiceProps) {
  return (
    <label>
      {text}{' '}
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        {options.map(([v, t]) => (
          <option key={v} value={v}>
            {t}
          </option>
        ))}
      </select>
    </label>
  );
}

const same = (values: readonly string[]) => values.map((v) => [v, v] as const);
const labelled = (metrics: readonly string[]) => metrics.map((m) => [m, label(m)] as const);

interface Props {
  view: ViewState;
  accounts: readonly Account[];
  account: Account;
  tz: string;
  onChange: (changes: Partial<ViewState>) => void;
}

export function Controls({ view, accounts, account, tz, onChange }: Props) {
  const zones = [
    ...new Set([
      account.timezone,
      'UTC',
      Intl.DateTimeFormat().resolvedOptions().timeZone,
      ...Intl.supportedValuesOf('timeZone'),
    ]),
  ];
  const breakdownDim = view.dim || 'resource';
  return (
    <form class="controls" aria-label="View" onSubmit={(e) => e.preventDefault()}>
      <Choice
        text="Account"
        id="account"
        value={account.id}
        options={accounts.map((a) => [a.id, a.name === a.id ? a.id : `${a.name} (${a.id})`] as const)}
        onChange={(v) => onChange({ account: v })}
      />
      <Choice
        text="Period"
        id="period"
        value={view.period}
        options={PERIODS}
        onChange={(v) => onChange({ period: v })}
      />
      {view.period === 'custom' && (
        <>
          <label>
            From{' '}
            <input
              type="date"
              value={view.from}
              onChange={(e) => onChange({ from: (e.target as HTMLInputElement).value })}
            />
          </label>
          <label>
            To (exclusive){' '}
            <input
              type="date"
              value={view.to}
              onChange={(e) => onChange({ to: (e.target as HTMLInputElement).value })}
            />
          </label>
        </>
      )}
      <Choice
        text="Time zone"
        id="tz"
        value={tz}
        options={same(zones)}
        onChange={(v) => onChange({ tz: v })}
      />
      {view.page === 'overview' && (
        <>
          <Choice
            text="Metric"
            value={view.metric}
            options={labelled(SHOWN_METRICS)}
            onChange={(v) => onChange({ metric: v })}
          />
          <Choice
            text="Split by"
            value={view.dim}
            options={[['', 'nothing'], ...same(DIMENSIONS)]}
            onChange={(v) => onChange({ dim: v })}
          />
        </>
      )}
      {view.page === 'breakdown' && (
        <>
          <Choice
            text="By"
            value={breakdownDim}
            options={same(DIMENSIONS)}
            onChange={(v) => onChange({ dim: v })}
          />
          <Choice
            text="and"
            value={view.dim2}
            options={[['', 'nothing else'], ...same(DIMENSIONS.filter((d) => d !== breakdownDim))]}
            onChange={(v) => onChange({ dim2: v })}
          />
        </>
      )}
      {view.page === 'countries' && (
        <Choice
          text="Shade by"
          value={MAP_METRICS.includes(view.metric) ? view.metric : 'bytes_out'}
          options={labelled(MAP_METRICS)}
          onChange={(v) => onChange({ metric: v })}
        />
      )}
    </form>
  );
}
