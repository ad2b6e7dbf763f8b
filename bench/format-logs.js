// Benchmark inputs in the other log formats, derived from the generated combined log so that every
// format carries the same month of requests: S3 server access logs and CloudFront standard logs
// (one line per request), and Wowza access logs (a session of events per viewer).
import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const COMBINED =
  /^(\S+) \S+ \S+ \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000\] "(\S+) (\S+) [^"]*" (\d{3}) (\d+) "([^"]*)" "([^"]*)"$/;
const MONTHS = {
  Jan: '01',
  Feb: '02',
  Mar: '03',
  Apr: '04',
  May: '05',
  Jun: '06',
  Jul: '07',
  Aug: '08',
  Sep: '09',
  Oct: '10',
  Nov: '11',
  Dec: '12',
};
/** The month abbreviations of CLF and S3 timestamps, January first. */
export const MONTH_NAMES = Object.keys(MONTHS);
const OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';

function s3Line(m, i) {
  const [, ip, dd, mon, yyyy, hh, mi, ss, method, url, status, bytes, referer, agent] = m;
  const key = url.split('?')[0].slice(1);
  const id = ((i * 2654435761) >>> 0).toString(16).toUpperCase().padStart(16, '0');
  return `${OWNER} media-bucket [${dd}/${mon}/${yyyy}:${hh}:${mi}:${ss} +0000] ${ip} - ${id} REST.${method}.OBJECT ${key} "${method} /media-bucket/${url} HTTP/1.1" ${status} - ${bytes} ${bytes} 41 12 "${referer}" "${agent}" - ${id}+hostid= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader media-bucket.s3.amazonaws.com TLSv1.2 - -`;
}

const CF_FIELDS =
  '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end';
const EDGES = ['FRA56-P1', 'IAD89-C2', 'SEA19-C1', 'NRT57-P3'];

function cloudFrontLine(m, i) {
  const [, ip, dd, mon, yyyy, hh, mi, ss, method, url, status, bytes, referer, agent] = m;
  const [stem, query = '-'] = url.split('?');
  return [
    `${yyyy}-${MONTHS[mon]}-${dd}`,
    `${hh}:${mi}:${ss}`,
    EDGES[i % EDGES.length],
    bytes,
    ip,
    method,
    'd111111abcdef8.cloudfront.net',
    stem,
    status,
    referer,
    encodeURIComponent(agent),
    query,
    '-',
    'Hit',
    `req${i}`,
    'cdn.acme.tv',
    'https',
    '180',
    '0.012',
    '-',
    'TLSv1.3',
    'TLS_AES_128_GCM_SHA256',
    'Hit',
    'HTTP/2.0',
    '-',
    '-',
    '443',
    '0.010',
    'Hit',
    'video/MP2T',
    bytes,
    '-',
    '-',
  ].join('\t');
}

/** Converts the combined log to `format`, line for line (skipped when the output is already there). */
export async function convertCombined(combined, file, format, lines) {
  const marker = `${file}.lines`;
  if (existsSync(file) && existsSync(marker) && Number(readFileSync(marker, 'utf8')) === lines) return;
  const out = createWriteStream(file);
  if (format === 'cloudfront') out.write(`#Version: 1.0\n${CF_FIELDS}\n`);
  const toLine = format === 's3' ? s3Line : cloudFrontLine;
  let i = 0;
  let batch = [];
  for await (const line of createInterface({ input: createReadStream(combined) })) {
    const m = COMBINED.exec(line);
    if (!m) throw new Error(`bench: unexpected combined line ${line}`);
    batch.push(toLine(m, i++));
    if (batch.length === 10_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await new Promise((r) => out.once('drain', r));
      batch = [];
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  await new Promise((r) => out.end(r));
  writeFileSync(marker, String(lines));
}

const WOWZA_FIELDS =
  'date time tz x-event x-category x-severity x-status x-ctx x-comment x-vhost x-app x-appinst x-duration s-ip s-port s-uri c-ip c-proto c-referrer c-user-agent c-client-id cs-bytes sc-bytes x-stream-id x-spos cs-stream-bytes sc-stream-bytes x-sname x-sname-query x-file-name x-file-ext x-file-size x-file-length x-suri x-suri-stem x-suri-query cs-uri-stem cs-uri-query';

/**
 * A Wowza access log of `lines` lines: viewers connect, play a stream, pause and seek now and then,
 * stop, and disconnect; byte counters grow as Wowza's do. Whole sessions are written, so the file
 * may run a few lines past `lines`: returns the line count and the total of the destroy events'
 * sc-stream-bytes (what Tally must count).
 */
export async function writeWowza(file, lines) {
  const marker = `${file}.lines`;
  if (existsSync(file) && existsSync(marker)) {
    const [requested, actual, total] = readFileSync(marker, 'utf8').split(' ').map(Number);
    if (requested === lines) return { lines: actual, bytes: total };
  }
  const out = createWriteStream(file);
  out.write(`#Software: Wowza Streaming Engine 4.8.0\n#Version: 1.0\n#Fields: ${WOWZA_FIELDS}\n`);
  let written = 3;
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  let t = Date.parse('2026-10-01T00:00:00Z');
  let total = 0;
  let session = 100000;
  let batch = [];
  const emit = (event, category, cid, ip, proto, duration, scStream, sname) => {
    const d = new Date(t + 2 * 3600_000); // CEST wall clock
    const date = d.toISOString().slice(0, 10);
    const time = d.toISOString().slice(11, 19);
    batch.push(
      [
        date,
        time,
        'CEST',
        event,
        category,
        'INFO',
        '200',
        sname,
        '-',
        '_defaultVHost_',
        'live',
        '_definst_',
        duration.toFixed(3),
        '203.0.113.10',
        '1935',
        'rtmp://203.0.113.10:1935/live',
        ip,
        proto,
        'http://player.example/',
        'WIN 11,8,800,97',
        String(cid),
        '3500',
        String(scStream + 3500),
        '1',
        '0',
        '0',
        String(scStream),
        sname,
        '-',
        sname,
        'mp4',
        '-',
        '-',
        `rtmp://203.0.113.10:1935/live/${sname}`,
        `live/${sname}`,
        '-',
        '-',
        '-',
      ].join('\t'),
    );
    written += 1;
  };
  while (written < lines) {
    const cid = session++;
    const ip = `198.51.${(cid >> 8) & 255}.${cid & 255}`;
    const proto = cid % 3 === 0 ? 'http (cupertino)' : 'rtmp';
    const sname = `channel${cid % 40}_${[360, 720, 1080][cid % 3]}p`;
    const events = ['play'];
    const extra = Math.floor(random() * 6);
    for (let e = 0; e < extra; e++) events.push(['pause', 'unpause', 'seek'][e % 3]);
    events.push('stop');
    emit('connect', 'session', cid, ip, proto, 0, 0, '-');
    emit('create', 'stream', cid, ip, proto, 0, 0, '-');
    let bytes = 0;
    let seconds = 0;
    for (const event of events) {
      t += 1000;
      seconds += 30 + Math.floor(random() * 300);
      bytes += 150_000 * seconds;
      emit(event, 'stream', cid, ip, proto, seconds, event === 'play' ? 0 : bytes, sname);
    }
    emit('destroy', 'stream', cid, ip, proto, seconds, bytes, sname);
    total += bytes;
    emit('disconnect', 'session', cid, ip, proto, seconds + 1, 0, '-');
    if (batch.length >= 10_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await new Promise((r) => out.once('drain', r));
      batch = [];
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  await new Promise((r) => out.end(r));
  writeFileSync(marker, `${lines} ${written} ${total}`);
  return { lines: written, bytes: total };
}

/**
 * The combined log with its URLs in the layouts of issue 18's example, which no path rule is
 * written for: `/news/vod/{title}.mp4/{rendition}/seg-{n}.ts` (nginx-vod style, master playlist in
 * the title's directory) and `/news/live/{channel}_{rendition}/seg{n}.ts`. Same requests, same bytes.
 */
export async function rewriteSegmentLayout(combined, file, lines) {
  const marker = `${file}.lines`;
  if (existsSync(file) && existsSync(marker) && Number(readFileSync(marker, 'utf8')) === lines) return;
  const rewrite = (url) =>
    url
      .replace(/^\/vod\/([^/]+)\/([^/]+)\/seg_0*(\d+)\.ts/, '/news/vod/$1.mp4/$2/seg-$3.ts')
      .replace(/^\/vod\/([^/]+)\/([^/]+)\/index\.m3u8/, '/news/vod/$1.mp4/$2/index.m3u8')
      .replace(/^\/vod\/([^/]+)\/master\.m3u8/, '/news/vod/$1.mp4/master.m3u8')
      .replace(/^\/live\/([^/]+)\/seg_0*(\d+)\.ts/, '/news/live/$1/seg$2.ts')
      .replace(/^\/live\//, '/news/live/');
  await transformLines(combined, file, (line) =>
    line.replace(/"GET (\S+)/, (_, url) => `"GET ${rewrite(url)}`),
  );
  writeFileSync(marker, String(lines));
}

/**
 * An S3 server access log of `lines` GETs, each of a different object key (photos and uploads
 * under per-user prefixes, as object storage serves them): the high-cardinality case, where every
 * request is a new resource. Returns the total of its bytes.
 */
export async function writeS3DistinctKeys(file, lines) {
  const marker = `${file}.lines`;
  if (existsSync(file) && existsSync(marker)) {
    const [requested, total] = readFileSync(marker, 'utf8').split(' ').map(Number);
    if (requested === lines) return total;
  }
  const out = createWriteStream(file);
  let seed = 11;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const start = Date.parse('2026-10-01T00:00:00Z');
  const step = (31 * 86_400_000) / lines;
  let total = 0;
  let batch = [];
  for (let i = 0; i < lines; i++) {
    const d = new Date(start + Math.floor(i * step));
    const stamp = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTH_NAMES[d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
    const user = Math.floor(random() * 20_000);
    const ip = `198.51.${(user >> 8) & 255}.${user & 255}`;
    const key = `uploads/u${user}/${d.toISOString().slice(0, 10).replaceAll('-', '/')}/${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}-${i}.${i % 5 === 0 ? 'mp4' : 'jpg'}`;
    const bytes = 1000 + Math.floor(random() * 5_000_000);
    total += bytes;
    const id = ((i * 40503) >>> 0).toString(16).toUpperCase().padStart(16, '0');
    batch.push(
      `${OWNER} media-bucket [${stamp}] ${ip} - ${id} REST.GET.OBJECT ${key} "GET /media-bucket/${key} HTTP/1.1" 200 - ${bytes} ${bytes} 41 12 "-" "aws-sdk-js/3.600.0" - ${id}+hostid= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader media-bucket.s3.amazonaws.com TLSv1.2 - -`,
    );
    if (batch.length === 10_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await new Promise((r) => out.once('drain', r));
      batch = [];
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  await new Promise((r) => out.end(r));
  writeFileSync(marker, `${lines} ${total}`);
  return total;
}

async function transformLines(input, output, transform) {
  const out = createWriteStream(output);
  let batch = [];
  for await (const line of createInterface({ input: createReadStream(input) })) {
    batch.push(transform(line));
    if (batch.length === 10_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await new Promise((r) => out.once('drain', r));
      batch = [];
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  await new Promise((r) => out.end(r));
}
