/**
 * Realistic synthetic delivery logs for the demo and the benchmarks: HLS viewing sessions
 * (master playlist, variant playlist, 6-second segments) for VOD titles and live channels of
 * two accounts, with a daily audience curve in each account's time zone, some errors, IPv4 and
 * IPv6 viewers, written as vhost-prefixed combined log lines in time order. Seeded: the same
 * options always give the same bytes.
 */

export interface DemoAccount {
  id: string;
  name: string;
  timezone: string;
  host: string;
  /** UTC offset in hours used only to shape the audience curve (peak in the local evening). */
  eveningUtcHour: number;
  titles: readonly string[];
  channels: readonly string[];
  /** Relative share of sessions. */
  weight: number;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    id: 'acme',
    name: 'Acme TV',
    timezone: 'Europe/Berlin',
    host: 'cdn.acme.tv',
    eveningUtcHour: 19,
    titles: ['big-buck-bunny', 'sintel', 'tears-of-steel', 'elephants-dream', 'cosmos-laundromat', 'spring'],
    channels: ['acme-news', 'acme-sports'],
    weight: 3,
  },
  {
    id: 'globex',
    name: 'Globex Streaming',
    timezone: 'America/New_York',
    host: 'media.globex.com',
    eveningUtcHour: 1,
    titles: ['agent-327', 'caminandes', 'coffee-run', 'sprite-fright'],
    channels: ['globex-live'],
    weight: 2,
  },
];

const RENDITIONS = [
  { name: '1080p', bytesPerSegment: 3_750_000 },
  { name: '720p', bytesPerSegment: 2_250_000 },
  { name: '480p', bytesPerSegment: 1_050_000 },
  { name: '360p', bytesPerSegment: 600_000 },
] as const;

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'AppleCoreMedia/1.0.0.21F79 (Apple TV; U; CPU OS 17_5 like Mac OS X; en_us)',
  'ExoPlayerLib/2.19.1 (Linux; Android 14) ',
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** mulberry32: a small, fast, seedable PRNG (quality is ample for synthetic traffic). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `[01/Oct/2026:19:00:03 +0000]` */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** The account a point in [0, total weight) falls on. */
function pickWeighted(point: number): DemoAccount {
  let rest = point;
  for (const account of DEMO_ACCOUNTS) {
    rest -= account.weight;
    if (rest < 0) return account;
  }
  return DEMO_ACCOUNTS[DEMO_ACCOUNTS.length - 1] as DemoAccount;
}

export interface GenerateOptions {
  /** UTC midnight of the first day. */
  start: number;
  days: number;
  /** Viewing sessions per day across all accounts. */
  sessionsPerDay: number;
  seed: number;
  /** Prefix each line with the account's virtual host (vhost combined); false gives plain `combined`. */
  withHost?: boolean;
}

interface Line {
  time: number;
  text: string;
}

/** Yields one array of log lines (time-ordered, newline-terminated text) per UTC day. */
export function* generateDays(
  options: GenerateOptions,
): Generator<{ day: number; text: string; lines: number }> {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const totalWeight = DEMO_ACCOUNTS.reduce((s, a) => s + a.weight, 0);
  const viewerPool = 5000;

  for (let day = 0; day < options.days; day++) {
    const dayStart = options.start + day * 86_400_000;
    const lines: Line[] = [];
    for (let s = 0; s < options.sessionsPerDay; s++) {
      const account = pickWeighted(random() * totalWeight);
      // Audience peaks in the local evening: a triangular spread of +-8 h around it.
      const hour = (account.eveningUtcHour + (random() + random() - 1) * 8 + 24) % 24;
      let t = dayStart + Math.floor(hour * 3_600_000 + random() * 60_000);
      const v = Math.floor(random() ** 2 * viewerPool);
      const client =
        v % 7 === 0
          ? `2001:db8:${(v >> 8).toString(16)}::${(v & 255).toString(16)}`
          : `198.51.${(v >> 8) & 255}.${v & 255}`;
      const agent = AGENTS[v % AGENTS.length] as string;
      const hostPrefix = options.withHost === false ? '' : `${account.host} `;
      const live = random() < 0.3;
      const content = live ? pick(account.channels) : pick(account.titles);
      const rendition =
        RENDITIONS[Math.min(RENDITIONS.length - 1, Math.floor(random() ** 1.5 * RENDITIONS.length))] ??
        RENDITIONS[0];
      const base = live ? `/live/${content}_${rendition.name}` : `/vod/${content}/${rendition.name}`;
      const push = (path: string, status: number, bytes: number, query = '') => {
        const seconds = Math.floor((t - dayStart) / 1000);
        const time = dayStart + seconds * 1000;
        if (time >= dayStart + 86_400_000) return;
        lines.push({
          time,
          text: `${hostPrefix}${client} - - [${clfTime(time)}] "GET ${path}${query} HTTP/1.1" ${status} ${bytes} "-" "${agent}"\n`,
        });
      };
      if (!live) push(`/vod/${content}/master.m3u8`, 200, 1_180, '?session=1');
      push(`${base}/index.m3u8`, 200, 4_200);
      const segments = 1 + Math.floor(-Math.log(1 - random()) * (live ? 90 : 150));
      const first = live ? Math.floor((t / 6000) % 100_000) : 0;
      for (let i = 0; i < segments; i++) {
        t += 6000;
        const roll = random();
        const status = roll < 0.004 ? 404 : roll < 0.006 ? 403 : roll < 0.008 ? 503 : 200;
        const bytes =
          status === 200
            ? Math.floor(rendition.bytesPerSegment * (0.85 + random() * 0.3))
            : status === 404
              ? 162
              : 0;
        push(`${base}/seg_${pad(first + i, 5)}.ts`, status, bytes, live ? '' : `?token=${v}`);
        if (live && i % 5 === 4) push(`${base}/index.m3u8`, 200, 4_200);
      }
    }
    lines.sort((a, b) => a.time - b.time);
    yield { day, text: lines.map((l) => l.text).join(''), lines: lines.length };
  }
}

/** The configuration the demo writes: its accounts and the path rules for its URL layout. */
export function demoConfig(): Record<string, unknown> {
  return {
    accounts: DEMO_ACCOUNTS.map((a) => ({
      id: a.id,
      name: a.name,
      timezone: a.timezone,
      parent: null,
      match: { hosts: [a.host] },
    })),
    pathRules: [
      {
        regex: '^/(?<app>live)/(?<resource>[^/]+?)_(?<rendition>\\d+p)/',
        protocol: 'hls',
        kind: 'live',
        segmentSeconds: 6,
      },
      { pattern: '/{app}/{resource}/master.m3u8', protocol: 'hls', kind: 'vod' },
      { pattern: '/{app}/{resource}/{rendition}/*', protocol: 'hls', kind: 'vod', segmentSeconds: 6 },
    ],
    zones: { '*': 'global' },
  };
}

/**
 * The demo's catalog (Wowza stream targets for acme's live channels): the news channel on a
 * Fastly target, sports on an ultra low latency one, so every Wowza route has numbers.
 */
export function demoCatalog(): Record<string, unknown> {
  return {
    streamTargets: [
      {
        id: 'acmenews',
        account: 'acme',
        name: 'Acme News',
        type: 'fastly',
        match: { apps: ['live'], resources: ['acme-news*'] },
      },
      {
        id: 'acmesprt',
        account: 'acme',
        name: 'Acme Sports ULL',
        type: 'ull',
        match: { apps: ['live'], resources: ['acme-sports*'] },
      },
    ],
  };
}
