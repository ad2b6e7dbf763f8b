/**
 * What is on screen lives in the URL's query string (page, account, period, tz, metric,
 * dimensions), so a link reproduces the view. Never a key: that is in session storage.
 */

export const PAGES = ['overview', 'breakdown', 'countries', 'billing', 'sources', 'admin'] as const;
export type Page = (typeof PAGES)[number];

export interface ViewState {
  page: Page;
  account: string;
  period: string;
  /** Custom period: first and last day shown (inclusive), `yyyy-MM-dd`. */
  from: string;
  to: string;
  tz: string;
  metric: string;
  /** Overview: split the chart by this dimension ('' for none). Breakdown: the first dimension. */
  dim: string;
  /** Breakdown: a second dimension ('' for none). */
  dim2: string;
}

const DEFAULTS: ViewState = {
  page: 'overview',
  account: '',
  period: 'last-30-days',
  from: '',
  to: '',
  tz: '',
  metric: 'bytes_out',
  dim: '',
  dim2: '',
};

export function readViewState(): ViewState {
  const params = new URLSearchParams(window.location.search);
  const state = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS) as (keyof ViewState)[]) {
    const value = params.get(name);
    if (value !== null) (state as Record<string, string>)[name] = value;
  }
  if (!PAGES.includes(state.page)) state.page = 'overview';
  return state;
}

/** The query string of `state`, without what equals the defaults. */
export function viewQuery(state: ViewState): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state))
    if (value !== '' && value !== DEFAULTS[name as keyof ViewState]) params.set(name, value);
  const text = params.toString();
  return text === '' ? window.location.pathname : `?${text}`;
}
