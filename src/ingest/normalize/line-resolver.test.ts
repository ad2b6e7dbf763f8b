import { describe, expect, test } from 'vitest';
import type { RawDelivery } from '../formats/raw-delivery.js';
import { createLineResolver } from './line-resolver.js';
import { compilePathRules } from './path-rules.js';

const raw = (host: string, target: string, extra?: RawDelivery['extra']): RawDelivery => ({
  time: 0,
  client: '1.2.3.4',
  host,
  target,
  status: 200,
  bytesOut: 10,
  bytesIn: 0,
  ...(extra ? { extra } : {}),
});

describe('the line resolver', () => {
  const resolver = createLineResolver({
    accounts: [{ id: 'acme', match: { hosts: ['cdn.acme.tv'] } }],
    pathRules: compilePathRules([{ pattern: '/{app}/{resource}/*', segmentSeconds: 4 }]),
    zones: { US: 'na', '*': 'rest' },
    edgeZones: { SEA: 'north_america' },
    defaultProtocol: 'http',
    targets: [
      {
        kind: 'stream_target',
        id: 'tgt1',
        account: 'acme',
        name: 't',
        type: 'fastly',
        billingMode: '',
        archived: false,
        deleted: false,
        match: { resources: ['live1'] },
      },
    ],
  });

  test('a line: account by host, dimensions by path rule, zone by country, target by catalog match', () => {
    expect(resolver.resolve(raw('cdn.acme.tv', '/tv/live1/seg-1.ts'), '/tv/live1/seg-1.ts', 'US')).toEqual({
      account: 'acme',
      edgeZone: undefined,
      dims: {
        app: 'tv',
        resource: 'live1',
        // The path says neither live nor vod.
        kind: '',
        target: 'tgt1',
        rendition: '',
        protocol: 'hls',
        zone: 'na',
        country: 'US',
      },
      segmentSeconds: 4,
    });
  });

  test('pure: the same line twice resolves equal, as fresh objects (nothing is cached here)', () => {
    const a = resolver.resolve(raw('x', '/a/b/c.ts'), '/a/b/c.ts', 'FR');
    const b = resolver.resolve(raw('x', '/a/b/c.ts'), '/a/b/c.ts', 'FR');
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(a.account).toBe('default');
    expect(a.dims.zone).toBe('rest');
  });

  test('the CloudFront edge decides the zone over the country', () => {
    const r = resolver.resolve(raw('x', '/a/b/c.ts', { edge: 'SEA19-C1' }), '/a/b/c.ts', 'FR');
    expect(r.edgeZone).toBe('north_america');
    expect(r.dims.zone).toBe('north_america');
    expect(resolver.zoneFor('FR', r.edgeZone)).toBe('north_america');
    expect(resolver.zoneFor('US', undefined)).toBe('na');
  });

  test('adopted records keep their dimensions; zone and target are filled only when empty', () => {
    const dims = {
      app: 'tv',
      resource: 'live1',
      kind: 'live',
      target: '',
      rendition: '',
      protocol: 'hls',
      zone: '',
      country: 'US',
    };
    expect(resolver.adopt(dims, 'acme')).toEqual({
      account: 'acme',
      dims: { ...dims, zone: 'na', target: 'tgt1' },
    });
    const full = { ...dims, zone: 'z', target: 't' };
    expect(resolver.adopt(full, 'acme').dims).toBe(full);
  });
});
