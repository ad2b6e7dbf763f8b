import { describe, expect, test } from 'vitest';
import type { DeliveryRecord } from '../domain/record.js';
import { Aggregator } from './aggregate.js';

const T = Date.parse('2024-07-01T10:00:00Z');
const record = (overrides: Partial<DeliveryRecord>): DeliveryRecord => ({
  time: T,
  account: 'acme',
  app: 'live',
  resource: 'news',
  kind: 'live',
  target: '',
  rendition: '720p',
  protocol: 'hls',
  zone: 'global',
  country: '',
  status: 200,
  bytesOut: 100,
  bytesIn: 0,
  viewer: '1.1.1.1',
  seconds: 6,
  commands: 0,
  starts: 0,
  ...overrides,
});

describe('Aggregator', () => {
  test('folds records into one row per cell and 15-minute bucket', () => {
    const agg = new Aggregator((v) => BigInt(v.split('.').reduce((a, b) => a * 256 + Number(b), 0)));
    agg.add(record({}));
    agg.add(
      record({ time: T + 14 * 60_000 + 59_999, status: 403, bytesOut: 5, seconds: 0, viewer: '2.2.2.2' }),
    );
    agg.add(record({ time: T + 60_000, status: 503, bytesOut: 0, seconds: 0 }));
    agg.add(record({ time: T + 15 * 60_000, status: 404, viewer: '' })); // next bucket, no viewer
    agg.add(record({ rendition: '1080p', commands: 2, starts: 1, bytesIn: 7 })); // another cell
    expect(agg.weight).toBe(3 + 3); // rows, plus distinct viewers per row (2 + 0 + 1)

    const rows = agg.drain();
    expect(agg.weight).toBe(0);
    const summary = rows.map((r) => ({
      bucket: new Date(r.bucket).toISOString(),
      rendition: r.cell.rendition,
      counts: [
        r.requests,
        r.okRequests,
        r.clientErrors,
        r.authFailures,
        r.serverErrors,
        r.bytesOut,
        r.bytesIn,
        r.viewSeconds,
        r.commands,
        r.starts,
      ],
      viewers: [...r.viewers].sort(),
    }));
    expect(summary).toEqual(
      expect.arrayContaining([
        {
          bucket: '2024-07-01T10:00:00.000Z',
          rendition: '720p',
          counts: [3, 1, 1, 1, 1, 105, 0, 6, 0, 0],
          viewers: [16843009n, 33686018n],
        },
        {
          bucket: '2024-07-01T10:15:00.000Z',
          rendition: '720p',
          counts: [1, 0, 1, 0, 0, 100, 0, 6, 0, 0],
          viewers: [],
        },
        {
          bucket: '2024-07-01T10:00:00.000Z',
          rendition: '1080p',
          counts: [1, 1, 0, 0, 0, 100, 7, 6, 2, 1],
          viewers: [16843009n],
        },
      ]),
    );
    expect(rows).toHaveLength(3);
    // Records of the same cell share one cell object, whichever bucket they fall in.
    const cells = new Set(rows.filter((r) => r.cell.rendition === '720p').map((r) => r.cell));
    expect(cells.size).toBe(1);
  });
});
