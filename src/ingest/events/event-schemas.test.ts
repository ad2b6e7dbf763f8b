import { describe, expect, test } from 'vitest';
import { checkEvent, eventJsonSchemas } from './event-schemas.js';

const T = '2026-11-01T10:00:00Z';

describe('event schemas', () => {
  test.each<[string, unknown, string]>([
    ['not an object', 5, 'not a JSON object'],
    [
      'an unknown kind',
      { kind: 'bogus' },
      'kind: one of delivery, transcoder, storage, transcoding, packaging',
    ],
    [
      'an empty id',
      { kind: 'storage', id: '', time: T, bytes: 1 },
      'id: a non-empty string of at most 256 characters',
    ],
    [
      'an account that is not text',
      { kind: 'storage', account: 5, time: T, bytes: 1 },
      'account: not a string (at most 1024 characters)',
    ],
    ['a missing amount', { kind: 'storage', time: T }, 'bytes: required'],
    ['a negative amount', { kind: 'storage', time: T, bytes: -1 }, 'bytes: not a non-negative integer'],
    [
      'a fraction where an integer is due',
      { kind: 'storage', time: T, bytes: 1.5 },
      'bytes: not a non-negative integer',
    ],
    [
      'a time that is no instant',
      { kind: 'storage', time: 'yesterday', bytes: 1 },
      'time: not an ISO 8601 instant with a zone, nor epoch milliseconds',
    ],
    [
      'a time without a zone',
      { kind: 'storage', time: '2026-11-01T10:00:00', bytes: 1 },
      'time: not an ISO 8601 instant with a zone, nor epoch milliseconds',
    ],
    ['a type of neither', { kind: 'transcoding', time: T, type: 'x', minutes: 1 }, 'type: one of vod, live'],
    [
      'no renditions',
      { kind: 'transcoding', time: T, type: 'vod', minutes: 1, renditions: 0 },
      'renditions: at least 1',
    ],
    [
      'a transcoder without its id',
      { kind: 'transcoder', transcoder_type: 'transcoded', billing_mode: 'pay_as_you_go', start: T, end: T },
      'transcoder_id: required',
    ],
    [
      'a billing mode of neither',
      {
        kind: 'transcoder',
        transcoder_id: 't',
        transcoder_type: 'transcoded',
        billing_mode: 'free',
        start: T,
        end: T,
      },
      'billing_mode: one of pay_as_you_go, twentyfour_seven',
    ],
    [
      'a subject that is not text',
      { kind: 'packaging', time: T, minutes: 1.5, subject: 7 },
      'subject: not a string (at most 1024 characters)',
    ],
  ])('%s is refused, naming its field', (_name, value, problem) => {
    expect(checkEvent(value)).toEqual({ problem });
  });

  test('a valid event comes back typed, with defaults and times in milliseconds', () => {
    expect(checkEvent({ kind: 'transcoding', time: T, type: 'vod', minutes: 2.5, account: null })).toEqual({
      event: {
        kind: 'transcoding',
        time: Date.parse(T),
        type: 'vod',
        minutes: 2.5,
        renditions: 1,
        subject: '',
        account: '',
      },
    });
    expect(checkEvent({ kind: 'storage', time: Date.parse(T), bytes: 0, id: 'e1' })).toEqual({
      event: { kind: 'storage', time: Date.parse(T), bytes: 0, subject: '', account: '', id: 'e1' },
    });
  });

  test('every kind has a JSON Schema for the OpenAPI document', () => {
    const schemas = eventJsonSchemas();
    expect(Object.keys(schemas)).toEqual([
      'DeliveryEvent',
      'TranscoderEvent',
      'StorageEvent',
      'TranscodingEvent',
      'PackagingEvent',
    ]);
    expect(schemas.StorageEvent).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['kind', 'time', 'bytes']),
    });
  });
});
