/**
 * Wowza's two pagination shapes (seed 001). Rows are ordered by id, so a page is a stable slice:
 * - payload 2.0 (stream targets, VOD streams): `per_page` and `next_page_key`, the id the next
 *   page starts at; `page` is accepted too;
 * - payload 1.0 (transcoders): `page` (from 1) and `per_page`, with the page's first and last
 *   zero-based indices.
 * `per_page` defaults to 1000, its maximum.
 */
import { invalidParameter } from './wowza-error.js';

export const DEFAULT_PER_PAGE = 1000;

export interface PageQuery {
  page?: string | undefined;
  per_page?: string | undefined;
  next_page_key?: string | undefined;
}

function positive(
  name: string,
  text: string | undefined,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw invalidParameter(`${name} must be an integer from 1 to ${max}`);
  return n;
}

export function pageByKey<T extends { id: string }>(rows: readonly T[], query: PageQuery) {
  const perPage = positive('per_page', query.per_page, DEFAULT_PER_PAGE, DEFAULT_PER_PAGE);
  let start = 0;
  if (query.next_page_key !== undefined && query.next_page_key !== '') {
    start = rows.findIndex((r) => r.id === query.next_page_key);
    if (start < 0)
      throw invalidParameter(`next_page_key '${query.next_page_key}' is not a key of this listing`);
  } else {
    start = (positive('page', query.page, 1) - 1) * perPage;
  }
  const page = rows.slice(start, start + perPage);
  const next = rows[start + perPage];
  return {
    rows: page,
    pagination: {
      payload_version: 2.0,
      total_records: rows.length,
      per_page: perPage,
      ...(next === undefined ? {} : { next_page_key: next.id }),
      total_pages: Math.max(1, Math.ceil(rows.length / perPage)),
    },
  };
}

export function pageByNumber<T>(rows: readonly T[], query: PageQuery) {
  const perPage = positive('per_page', query.per_page, DEFAULT_PER_PAGE, DEFAULT_PER_PAGE);
  const page = positive('page', query.page, 1);
  const first = (page - 1) * perPage;
  const slice = rows.slice(first, first + perPage);
  return {
    rows: slice,
    pagination: {
      payload_version: 1.0,
      page,
      page_first_index: first,
      page_last_index: slice.length === 0 ? first : first + slice.length - 1,
      per_page: perPage,
      total_pages: Math.max(1, Math.ceil(rows.length / perPage)),
      total_records: rows.length,
    },
  };
}
