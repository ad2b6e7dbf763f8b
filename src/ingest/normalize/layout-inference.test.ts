import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type InferredLayout, inferLayout, isRenditionToken, sequenceRun } from './layout-inference.js';

/** [path, app, resource, rendition, kind]: what each layout must give. */
type Row = [string, string, string, string, InferredLayout['kind']];

// The layouts real servers and packagers write, from their documentation and default settings.
const LAYOUTS: [string, Row[]][] = [
  [
    'Wowza Streaming Engine',
    [
      ['/live/_definst_/myStream/playlist.m3u8', 'live', 'myStream', '', 'live'],
      ['/live/_definst_/myStream/chunklist_w1418329120.m3u8', 'live', 'myStream', '', 'live'],
      ['/live/_definst_/myStream/media_w1418329120_12.ts', 'live', 'myStream', '', 'live'],
      ['/live/_definst_/myStream_720p/chunklist_w12.m3u8', 'live', 'myStream', '720p', 'live'],
      ['/live/myStream/chunklist_w1418329120_b800000.m3u8', 'live', 'myStream', 'b800000', 'live'],
      ['/live/myStream/media_w1418329120_b800000_42.ts', 'live', 'myStream', 'b800000', 'live'],
      ['/vod/_definst_/mp4:sample.mp4/playlist.m3u8', 'vod', 'sample.mp4', '', 'vod'],
      ['/vod/_definst_/mp4:sample.mp4/media_w2_0.ts', 'vod', 'sample.mp4', '', 'vod'],
      ['/vod/mp4:sample.mp4/manifest.mpd', 'vod', 'sample.mp4', '', 'vod'],
      [
        '/vod/_definst_/mp4:folder/movie.mp4/chunk_ctvideo_ridp0va0br2000000_cs0_mpd.m4s',
        'vod',
        'folder/movie.mp4',
        '',
        'vod',
      ],
      ['/tv/_definst_/smil:abr.smil/playlist.m3u8', 'tv', 'abr.smil', '', ''],
      ['/tv/_definst_/mp4:clip.mp4/chunklist_w5_b1200000.m3u8', 'tv', 'clip.mp4', 'b1200000', 'vod'],
    ],
  ],
  [
    'nginx-rtmp',
    [
      ['/hls/stream.m3u8', 'hls', 'stream', '', 'live'],
      ['/hls/stream-12.ts', 'hls', 'stream', '', 'live'],
      ['/hls/stream_480p.m3u8', 'hls', 'stream', '480p', 'live'],
      ['/hls/stream_480p-12.ts', 'hls', 'stream', '480p', 'live'],
      ['/hls/cam1/index.m3u8', 'hls', 'cam1', '', 'live'],
      ['/hls/cam1/7.ts', 'hls', 'cam1', '', 'live'],
      ['/dash/cam1.mpd', 'dash', 'cam1', '', 'live'],
      ['/dash/cam1-1200.m4v', 'dash', 'cam1', '', 'live'],
      ['/dash/cam1-init.m4a', 'dash', 'cam1', '', 'live'],
      ['/live/hls/myKey-3.ts', 'live', 'myKey', '', 'live'],
    ],
  ],
  [
    'ffmpeg HLS and DASH',
    [
      ['/live/out.m3u8', 'live', 'out', '', 'live'],
      ['/live/out0.ts', 'live', 'out', '', 'live'],
      ['/live/out17.ts', 'live', 'out', '', 'live'],
      ['/shows/ep1/stream_0/playlist.m3u8', 'shows', 'ep1', '', ''],
      ['/shows/ep1/stream_0/data003.ts', 'shows', 'ep1', '', ''],
      ['/shows/ep1/master.m3u8', 'shows', 'ep1', '', ''],
      ['/dash/film/manifest.mpd', 'dash', 'film', '', 'live'],
      ['/vod/film/chunk-stream0-00012.m4s', 'vod', 'film', '', 'vod'],
      ['/vod/film/init-stream1.m4s', 'vod', 'film', '', 'vod'],
    ],
  ],
  [
    'Shaka Packager',
    [
      ['/vod/film/h264.mpd', 'vod', 'film', '', 'vod'],
      ['/vod/film/h264_master.m3u8', 'vod', 'film', '', 'vod'],
      ['/vod/film/h264_720p.m3u8', 'vod', 'film', '720p', 'vod'],
      ['/vod/film/h264_720p/init.mp4', 'vod', 'film', '720p', 'vod'],
      ['/vod/film/h264_720p/12.m4s', 'vod', 'film', '720p', 'vod'],
      ['/vod/film/audio/init.mp4', 'vod', 'film', '', 'vod'],
      ['/vod/film/video_1080p_3.m4s', 'vod', 'film', '1080p', 'vod'],
    ],
  ],
  [
    'Bento4 mp4dash / mp4hls',
    [
      ['/media/film/stream.mpd', 'media', 'film', '', ''],
      ['/media/film/master.m3u8', 'media', 'film', '', ''],
      ['/media/film/video/avc1/init.mp4', 'media', 'film', '', ''],
      ['/media/film/video/avc1/seg-12.m4s', 'media', 'film', '', ''],
      ['/media/film/audio/en/mp4a.40.2/seg-3.m4s', 'media', 'film', '', ''],
      ['/media/film/media-1/segment-4.ts', 'media', 'film', '', ''],
    ],
  ],
  [
    'AWS MediaPackage and MediaConvert',
    [
      ['/out/v1/6f2c0c3a9d8e4b7a/index.m3u8', 'out', 'v1/6f2c0c3a9d8e4b7a', '', ''],
      ['/out/v1/6f2c0c3a9d8e4b7a/index_1.m3u8', 'out', 'v1/6f2c0c3a9d8e4b7a', '', ''],
      ['/out/v1/6f2c0c3a9d8e4b7a/index_1_0.ts', 'out', 'v1/6f2c0c3a9d8e4b7a', '', ''],
      ['/out/v1/6f2c0c3a9d8e4b7a/index.mpd', 'out', 'v1/6f2c0c3a9d8e4b7a', '', ''],
      ['/out/v1/6f2c0c3a9d8e4b7a/index_video_5_0_12.mp4', 'out', 'v1/6f2c0c3a9d8e4b7a', '', ''],
      ['/out/v1/6f2c0c3a9d8e4b7a/index_video_5_0_init.mp4', 'out', 'v1/6f2c0c3a9d8e4b7a', '', ''],
      ['/assets/film/film_1080p_5000k.m3u8', 'assets', 'film', '1080p', ''],
      ['/assets/film/film_1080p_5000k_00001.ts', 'assets', 'film', '1080p', ''],
    ],
  ],
  [
    'Akamai-style paths',
    [
      ['/hls/live/2003678/event1/master.m3u8', 'hls', 'live/2003678/event1', '', 'live'],
      ['/hls/live/2003678/event1/720p/segment123.ts', 'hls', 'live/2003678/event1', '720p', 'live'],
      [
        '/i/videos/film_,300,600,1200,k.mp4.csmil/master.m3u8',
        'i',
        'videos/film_,300,600,1200,k.mp4.csmil',
        '',
        'vod',
      ],
      [
        '/i/videos/film_,300,600,1200,k.mp4.csmil/index_0_av.m3u8',
        'i',
        'videos/film_,300,600,1200,k.mp4.csmil',
        '',
        'vod',
      ],
      [
        '/i/videos/film_,300,600,1200,k.mp4.csmil/segment1_0_av.ts',
        'i',
        'videos/film_,300,600,1200,k.mp4.csmil',
        '',
        'vod',
      ],
      [
        '/z/videos/film_,300,600,k.mp4.csmil/manifest.f4m',
        'z',
        'videos/film_,300,600,k.mp4.csmil',
        '',
        'vod',
      ],
      ['/z/videos/film_,300,600,k.mp4.csmil/Seg1-Frag12', 'z', 'videos/film_,300,600,k.mp4.csmil', '', 'vod'],
    ],
  ],
  [
    'Smooth Streaming and Unified Origin',
    [
      ['/vod/film.ism/Manifest', 'vod', 'film.ism', '', 'vod'],
      ['/vod/film.ism/QualityLevels(800000)/Fragments(video=0)', 'vod', 'film.ism', '800000', 'vod'],
      [
        '/events/match.isml/QualityLevels(1500000)/Fragments(video=36000000)',
        'events',
        'match.isml',
        '1500000',
        'live',
      ],
      ['/vod/film.ism/film-audio_eng=128000-video_eng=1500000-12.ts', 'vod', 'film.ism', '', 'vod'],
      ['/vod/film.ism/.m3u8', 'vod', 'film.ism', '', 'vod'],
    ],
  ],
  [
    'nginx-vod-module and rendition directories',
    [
      ['/news/vod/video12.mp4/720p/seg-12.ts', 'news', 'vod/video12.mp4', '720p', 'vod'],
      ['/news/vod/film.mp4/master.m3u8', 'news', 'vod/film.mp4', '', 'vod'],
      ['/news/vod/film.mp4/index-v1-a1.m3u8', 'news', 'vod/film.mp4', '', 'vod'],
      ['/news/vod/film.mp4/seg-3-v1-a1.ts', 'news', 'vod/film.mp4', '', 'vod'],
      ['/news/live/stream5_720p/seg123.ts', 'news', 'live/stream5', '720p', 'live'],
      ['/news/live/ch5_720p/index.m3u8', 'news', 'live/ch5', '720p', 'live'],
      ['/vod/title-04/1080p/seg_00042.ts', 'vod', 'title-04', '1080p', 'vod'],
      ['/vod/title-04/master.m3u8', 'vod', 'title-04', '', 'vod'],
      ['/live/channel-2_480p/seg_12345.ts', 'live', 'channel-2', '480p', 'live'],
      ['/vod/film/3000k/seg_1.ts', 'vod', 'film', '3000k', 'vod'],
      ['/vod/film/1280x720/init.mp4', 'vod', 'film', '1280x720', 'vod'],
      ['/vod/film/720p/film.mp4', 'vod', 'film', '720p', 'vod'],
      ['/cdn/show/v720p/seg-1.m4s', 'cdn', 'show/v720p', '', ''],
    ],
  ],
  [
    'progressive files and other requests stay whole',
    [
      ['/movies/film.mp4', 'movies', 'film.mp4', '', ''],
      ['/movies/film2.mp4', 'movies', 'film2.mp4', '', ''],
      ['/vod/trailers/film.mp4', 'vod', 'trailers/film.mp4', '', 'vod'],
      ['/music/song.m4a', 'music', 'song.m4a', '', ''],
      ['/captions/talk.vtt', 'captions', 'talk.vtt', '', ''],
      ['/images/poster.jpg', 'images', 'poster.jpg', '', ''],
      ['/downloads/a/b.zip', 'downloads', 'a/b.zip', '', ''],
      ['/acme-media/videos/2026/10/launch.mov', 'acme-media', 'videos/2026/10/launch.mov', '', ''],
      ['/favicon.ico', 'favicon.ico', '', '', ''],
    ],
  ],
];

describe('layout inference', () => {
  for (const [server, rows] of LAYOUTS) {
    test.each(rows)(`${server}: %s`, (path, app, resource, rendition, kind) => {
      expect(inferLayout(path)).toEqual({ app, resource, rendition, kind });
    });
  }

  test('the table covers at least 40 layouts', () => {
    expect(LAYOUTS.flatMap(([, rows]) => rows).length).toBeGreaterThanOrEqual(40);
  });

  test.each([
    ['720p', true],
    ['1080p60', true],
    ['3000k', true],
    ['800kbps', true],
    ['b800000', true],
    ['1280x720', true],
    ['p720', false],
    ['12', false],
    ['b12', false],
    ['7k', false],
    ['bk', false],
    ['720px', false],
  ])('rendition token %s: %s', (token, is) => {
    expect(isRenditionToken(token)).toBe(is);
  });

  test('a segment name is read without its sequence number, a film name whole', () => {
    expect(sequenceRun('seg_00012.ts')).toEqual([4, 9]);
    expect(sequenceRun('media_w1_b800000_42.m4s')).toEqual([17, 19]);
    expect(sequenceRun('index_video_5_0_12.mp4')).toEqual([16, 18]);
    expect(sequenceRun('film2.mp4')).toBeUndefined();
    expect(sequenceRun('cam1.m3u8')).toBeUndefined();
    expect(sequenceRun('init.m4s')).toBeUndefined();
  });
});

describe('layout inference on odd paths', () => {
  test.each([
    ['', { app: '', resource: '', kind: '', rendition: '' }],
    ['/', { app: '', resource: '', kind: '', rendition: '' }],
    ['//', { app: '', resource: '', kind: '', rendition: '' }],
    ['relative/seg-1.ts', { app: '', resource: 'relative/seg-1.ts' }],
    ['/a//b///seg-1.ts', { app: 'a', resource: 'b' }],
    ['/a/../b/720p/seg-1.ts', { app: 'a', resource: '../b', rendition: '720p' }],
    ['/a/_definst_/seg-1.ts', { app: 'a', resource: 'seg' }],
    ['/a/720p/-.ts', { app: 'a', resource: '', rendition: '720p' }],
  ])('%j', (path, expected) => {
    expect(inferLayout(path)).toMatchObject(expected);
  });

  // Any text a log can hold, in the shapes paths take: never an exception, and the
  // resource is always text of the path (inference never invents a name).
  const piece = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      'live',
      'vod',
      '_definst_',
      'mp4:a.mp4',
      '720p',
      'video',
      'audio',
      'en',
      '1',
      'x.ism',
      '..',
      '',
    ),
    fc.constantFrom(
      'seg-1.ts',
      'index.m3u8',
      'Manifest',
      'init.mp4',
      'a.mpd',
      'Fragments(video=0)',
      '%2F',
      '.ts',
    ),
  );
  const path = fc.array(piece, { maxLength: 8 }).map((parts) => `/${parts.join('/')}`);

  test('never throws, and every part it gives comes from the path', () => {
    fc.assert(
      fc.property(fc.oneof(path, fc.string(), fc.webUrl()), (p) => {
        const got = inferLayout(p);
        for (const part of got.resource.split('/')) expect(p).toContain(part);
        expect(p).toContain(got.app);
        expect(p).toContain(got.rendition);
        expect(['live', 'vod', '']).toContain(got.kind);
      }),
      { numRuns: 2000 },
    );
  });

  test('a very long path answers at once', () => {
    const long = `/a/${'x/'.repeat(50_000)}${'y'.repeat(100_000)}_720p-1.ts`;
    const started = performance.now();
    expect(inferLayout(long).rendition).toBe('720p');
    expect(performance.now() - started).toBeLessThan(500);
  });

  test('names that differ only in their sequence number read alike', () => {
    const dir = fc.array(piece, { maxLength: 5 }).map((parts) => `/${parts.join('/')}/`);
    const stem = fc.constantFrom('seg_', 'media_w1_b800000_', 'out', 'cam1-', 'index_video_5_0_', 'x', '');
    const ext = fc.constantFrom('.ts', '.m4s', '.mp4', '.m4a', '.vtt', '.aac', '.cmfv');
    fc.assert(
      fc.property(dir, stem, ext, fc.nat(99_999), fc.nat(99_999), (d, s, e, a, b) => {
        const first = `${s}${a}${e}`;
        const run = sequenceRun(first);
        if (run === undefined) return;
        const second = `${first.slice(0, run[0])}${b}${first.slice(run[1])}`;
        expect(inferLayout(`${d}${second}`)).toEqual(inferLayout(`${d}${first}`));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the inference table in docs/CONFIGURATION.md', () => {
  const doc = readFileSync(new URL('../../../docs/CONFIGURATION.md', import.meta.url), 'utf8');
  // Rows: | layout | `path`[, `path`] | `app` / `resource` / `rendition` / `kind` |
  const rows = [
    ...doc.matchAll(
      /^\| [^|]+ \| `([^`]+)`(?:, `([^`]+)`)? \| `([^`]*)` \/ `([^`]*)` \/ `([^`]*)` \/ `([^`]*)` \|$/gm,
    ),
  ];
  test('has its rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(15);
  });
  test.each(rows.flatMap((m) => [m[1], m[2]].filter((p) => p !== undefined).map((p) => [p, m] as const)))(
    '%s',
    (path, m) => {
      expect(inferLayout(path as string)).toEqual({ app: m[3], resource: m[4], rendition: m[5], kind: m[6] });
    },
  );
});
