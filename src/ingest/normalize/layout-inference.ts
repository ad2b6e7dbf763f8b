/**
 * Layout inference (DESIGN section 5): what a URL path means when no path rule says. Streaming
 * servers and packagers write a presentation as many files (playlists, init and media segments,
 * one directory or name token per rendition); usage is counted per presentation, so those files
 * fold into it and the rendition level becomes `rendition`. A plain file (`/movies/film.mp4`)
 * stays a resource of its own. docs/CONFIGURATION.md ("Layout inference") has the table this
 * file implements, and layout-inference.test.ts checks it on the layouts real servers write.
 *
 * Pure and linear in the path: no regular expression runs on the whole path, and odd paths (empty,
 * `//`, `..`, very long) give an answer, never an error.
 */
import type { Kind } from '../../domain/dimensions.js';

export interface InferredLayout {
  app: string;
  resource: string;
  kind: Kind;
  rendition: string;
}

/** What a file name is to its presentation. */
type Role = 'segment' | 'manifest' | 'file';

/** Media segments, init segments and subtitle segments (by extension, lower case). */
const SEGMENT_EXTENSIONS = new Set(['ts', 'm4s', 'm4a', 'm4v', 'aac', 'vtt', 'webvtt', 'cmfv', 'cmfa']);
/** Playlists and manifests. */
const MANIFEST_EXTENSIONS = new Set(['m3u8', 'mpd', 'f4m']);
/**
 * Extensions that name a presentation when a directory carries them: `/vod/film.mp4/720p/seg.ts`
 * (Wowza, nginx-vod-module), `/vod/film.ism/Manifest` (Smooth), Akamai `film_,300,600,k.mp4.csmil/`.
 */
const PRESENTATION_EXTENSIONS = new Set([
  'mp4',
  'mov',
  'm4v',
  'mkv',
  'f4v',
  'flv',
  'ism',
  'isml',
  'smil',
  'csmil',
]);
/** Wowza's stream prefixes (`mp4:sample.mp4`, `smil:abr.smil`); `mp4:` and `mp3:` are files, so VOD. */
const STREAM_PREFIXES = new Set(['mp4', 'mp3', 'smil', 'amlst', 'ngrp', 'flv', 'id3']);
/**
 * Words packagers put in segment and playlist names and in the directories below a presentation:
 * they name a file's role or a track, never a presentation.
 */
const GENERIC_WORDS = new Set([
  'index',
  'playlist',
  'master',
  'manifest',
  'chunklist',
  'chunk',
  'chunks',
  'media',
  'seg',
  'segment',
  'segments',
  'init',
  'frag',
  'fragment',
  'fragments',
  'part',
  'prog',
  'main',
  'filesequence',
  'sequence',
  'iframe',
  'iframes',
  'keyframes',
  'track',
  'stream',
  'data',
  'hls',
  'dash',
  'cmaf',
  ...['video', 'audio', 'text', 'subtitles', 'subs', 'captions'],
  ...['avc1', 'avc3', 'hvc1', 'hev1', 'h264', 'h265', 'hevc', 'vp9', 'av1', 'mp4a', 'opus', 'ac3', 'ec3'],
]);
/** Words that start a track's name (`audio_eng`, `video_h264_720p`): what follows is not a presentation. */
const TRACK_WORDS = new Set([
  'video',
  'audio',
  'text',
  'subtitles',
  'subs',
  'captions',
  'avc1',
  'h264',
  'h265',
  'hevc',
  'mp4a',
]);

/** How a name or directory token reads: part of a name, or one of the things that are not. */
type TokenClass = 'word' | 'generic' | 'number' | 'rendition' | 'session';

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Whether `text[from, to)` is one or more ASCII digits. */
export function allDigits(text: string, from = 0, to = text.length): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/**
 * A rendition token: `720p`, `1080p60`, `3000k`, `800kbps`, `1280x720`, Wowza's `b800000`.
 * `token` is lower case.
 */
export function isRenditionToken(token: string): boolean {
  const n = token.length;
  let digits = 0;
  while (digits < n && isDigit(token.charCodeAt(digits))) digits += 1;
  if (digits === 0) return token.charCodeAt(0) === 98 /* b */ && n >= 5 && allDigits(token, 1);
  const rest = token.slice(digits);
  if (rest.startsWith('p')) return digits >= 3 && digits <= 4 && (rest.length === 1 || allDigits(rest, 1));
  if (rest === 'k' || rest === 'kbps') return digits >= 2 && digits <= 6;
  if (rest.startsWith('x'))
    return digits >= 3 && digits <= 4 && rest.length >= 4 && rest.length <= 5 && allDigits(rest, 1);
  return false;
}

/**
 * A generic word, alone or with a number glued on (`seg12`, `fileSequence0`). `stream0` is ffmpeg's
 * track after another word (`chunk-stream0`), but a name of its own first (`/live/stream5_720p/`).
 */
function classify(token: string, first: boolean): TokenClass {
  if (allDigits(token)) return 'number';
  if (isRenditionToken(token)) return 'rendition';
  if (token.length >= 2 && token.charCodeAt(0) === 119 /* w */ && allDigits(token, 1)) return 'session';
  if (GENERIC_WORDS.has(token)) return 'generic';
  let end = token.length;
  while (end > 0 && isDigit(token.charCodeAt(end - 1))) end -= 1;
  if (end < token.length) {
    const word = token.slice(0, end);
    if (GENERIC_WORDS.has(word) && !(first && word === 'stream')) return 'generic';
  }
  // Akamai's track letters (`segment1_0_av`), which alone would be a name.
  if (!first && (token === 'av' || token === 'a' || token === 'v')) return 'generic';
  return 'word';
}

const isSeparator = (c: number): boolean => c === 95 /* _ */ || c === 45 /* - */ || c === 46 /* . */;

/** What a name or directory says beyond its tokens' roles. */
interface NameReading {
  /** The text up to the end of its last naming token ('' when it names nothing). */
  stem: string;
  /** The text up to the end of its last word, generic or not: what names it when nothing else does. */
  plain: string;
  /** Its first rendition token, as written ('' when none). */
  rendition: string;
  /** True when it names a track (`audio_eng`) rather than a presentation. */
  track: boolean;
  /** True when every token is generic, a number, a rendition or a session: a level, not a name. */
  level: boolean;
}

/**
 * Reads `text` as tokens separated by `_ - .`. Numbers count as naming only next to a word
 * (`cam_1` keeps its `1`, `index_1` is all generic) when `numbersName` is set.
 */
function readTokens(text: string, numbersName: boolean): NameReading {
  let rendition = '';
  let stemEnd = 0;
  let plainEnd = 0;
  let named = false;
  let first = true;
  let track = false;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !isSeparator(text.charCodeAt(i))) continue;
    if (i > start) {
      const token = text.slice(start, i).toLowerCase();
      const cls = classify(token, first);
      if (first && TRACK_WORDS.has(token)) track = true;
      first = false;
      if (cls === 'rendition' && rendition === '') rendition = text.slice(start, i);
      if (cls === 'word' || cls === 'generic') plainEnd = i;
      if (cls === 'word') {
        named = true;
        stemEnd = i;
      } else if (cls === 'number' && numbersName && named) stemEnd = i;
    }
    start = i + 1;
  }
  return {
    stem: named ? text.slice(0, stemEnd) : '',
    plain: text.slice(0, plainEnd),
    rendition,
    track,
    level: !named,
  };
}

/** `QualityLevels(800000)` (Smooth Streaming): the bitrate, else undefined. */
function smoothQuality(dir: string): string | undefined {
  if (dir.length < 16 || dir.charCodeAt(dir.length - 1) !== 41 /* ) */) return undefined;
  if (dir.slice(0, 14).toLowerCase() !== 'qualitylevels(') return undefined;
  const bitrate = dir.slice(14, -1);
  return allDigits(bitrate) ? bitrate : undefined;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The last run of digits in `text[from, to)`, as [start, end), or undefined when it has none. */
function lastDigitRun(text: string, from: number, to: number): [number, number] | undefined {
  let end = to;
  while (end > from && !isDigit(text.charCodeAt(end - 1))) end -= 1;
  if (end === from) return undefined;
  let start = end;
  while (start > from && isDigit(text.charCodeAt(start - 1))) start -= 1;
  return [start, end];
}

/** Names that are fragments whatever their extension: Smooth `Fragments(video=0)`, HDS `Seg1-Frag12`. */
function isFragmentName(lower: string): boolean {
  if (lower.startsWith('fragments(')) return true;
  const frag = lower.indexOf('-frag');
  return lower.startsWith('seg') && frag > 3 && allDigits(lower, 3, frag) && allDigits(lower, frag + 5);
}

/**
 * `.mp4` names that are fragments, not films: `init.mp4`, `video_init.mp4`, `12.mp4`, `seg-12.mp4`,
 * `index_video_5_0_12.mp4`. `reduced` is `stem` without its sequence number.
 */
function isFragmentMp4(stem: string, reduced: string): boolean {
  const lower = trimSeparators(reduced).toLowerCase();
  if (lower === '' || lower.endsWith('init')) return true;
  let end = 0;
  while (end < lower.length && !isSeparator(lower.charCodeAt(end)) && !isDigit(lower.charCodeAt(end)))
    end += 1;
  const word = lower.slice(0, end);
  return word.length > 1 && word !== 'av' && GENERIC_WORDS.has(word) && stem.length > end;
}

/** Whether `text[start, end)` ends in `init`, in any case: an init segment's name, which has no sequence number. */
function endsInInit(text: string, start: number, end: number): boolean {
  return end - start >= 4 && hasWordAt(text, end - 4, 'init');
}

/** Segment extensions that are also whole files (`song.m4a`, `talk.vtt`) when nothing numbers them. */
const ALSO_FILES = new Set(['m4a', 'm4v', 'aac', 'vtt', 'webvtt']);

/** Whether `text` holds the lower-case ASCII `word` at `at`, in any case. */
function hasWordAt(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = text.charCodeAt(at + i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Where a segment name's sequence number is: the last run of digits before its extension, which
 * inference reads the name without, so that `seg_00012.ts` and `seg_00013.ts` mean the same. The
 * path cache (path-cache.ts) shares one result among the names that differ only there, and calls
 * this on every line: so it reads the name `text[start, end)` in place, without copying it.
 * @returns [start, end) within `text`; undefined when the name is not a segment's or has no number.
 */
export function sequenceRun(text: string, start = 0, end = text.length): [number, number] | undefined {
  if (hasWordAt(text, start, 'fragments(')) return lastDigitRun(text, start, end);
  if (hasWordAt(text, start, 'seg') && isDigit(text.charCodeAt(start + 3))) {
    if (isFragmentName(text.slice(start, end).toLowerCase())) return lastDigitRun(text, start, end);
  }
  const dot = text.lastIndexOf('.', end - 1);
  if (dot < start || end - dot > 7) return undefined;
  let ext = text.slice(dot + 1, end);
  if (!SEGMENT_EXTENSIONS.has(ext) && ext !== 'mp4') {
    ext = ext.toLowerCase();
    if (!SEGMENT_EXTENSIONS.has(ext) && ext !== 'mp4') return undefined;
  }
  // An init segment has no sequence number: `cam1-init.m4a` is cam1's.
  if (endsInInit(text, start, dot)) return undefined;
  const run = lastDigitRun(text, start, dot);
  if (run === undefined || ext !== 'mp4') return run;
  const bare = text.slice(start, dot);
  const reduced = bare.slice(0, run[0] - start) + bare.slice(run[1] - start);
  return isFragmentMp4(bare, reduced) ? run : undefined;
}

/** The name's role, and the name without its extension and, for a segment, its sequence number. */
function readName(name: string, inPresentation: boolean): { role: Role; stem: string } {
  const lower = name.toLowerCase();
  if (lower === 'manifest') return { role: 'manifest', stem: '' };
  if (isFragmentName(lower)) return { role: 'segment', stem: '' };
  const ext = extensionOf(name);
  const bare = ext === '' ? name : name.slice(0, name.length - ext.length - 1);
  if (MANIFEST_EXTENSIONS.has(ext)) return { role: 'manifest', stem: bare };
  if (SEGMENT_EXTENSIONS.has(ext) || ext === 'mp4') {
    const run = sequenceRun(name);
    if (run !== undefined) return { role: 'segment', stem: bare.slice(0, run[0]) + bare.slice(run[1]) };
    // Unnumbered: an init segment, a fragment by its name (`video_init.mp4`), a segment-only
    // extension; else a segment only inside a presentation (a film under a rendition directory
    // is that rendition of the presentation), and a file of its own outside one.
    if (ext === 'mp4' ? isFragmentMp4(bare, bare) : endsInInit(bare, 0, bare.length) || !ALSO_FILES.has(ext))
      return { role: 'segment', stem: bare };
    if (inPresentation) return { role: 'segment', stem: bare };
  }
  return { role: 'file', stem: bare };
}

/** The directory's own name without a Wowza stream prefix (`mp4:`), and whether the prefix says VOD. */
function withoutPrefix(dir: string): { name: string; vod: boolean } {
  const colon = dir.indexOf(':');
  if (colon < 2 || colon > 6) return { name: dir, vod: false };
  const prefix = dir.slice(0, colon).toLowerCase();
  if (!STREAM_PREFIXES.has(prefix)) return { name: dir, vod: false };
  return { name: dir.slice(colon + 1), vod: prefix === 'mp4' || prefix === 'mp3' };
}

/** `live` or `vod` when a segment of `path[1, dirsEnd)` (its app and directories) is that word, in any case. */
function wordKind(path: string, dirsEnd: number): Kind {
  for (let start = 1; start < dirsEnd; ) {
    let end = path.indexOf('/', start);
    if (end < 0 || end > dirsEnd) end = dirsEnd;
    if (end - start === 4 && hasWordAt(path, start, 'live')) return 'live';
    if (end - start === 3 && hasWordAt(path, start, 'vod')) return 'vod';
    start = end + 1;
  }
  return '';
}

/** The kind of a file's request: its path's word (`wordKind`), else `live` under a live Smooth presentation (`.isml/`). */
function fileKind(path: string, dirsEnd: number): Kind {
  const said = wordKind(path, dirsEnd);
  if (said !== '') return said;
  return path
    .slice(0, dirsEnd + 1)
    .toLowerCase()
    .includes('.isml/')
    ? 'live'
    : '';
}

/**
 * The layout of a cleaned URL path (no query, decoded once). `app` is always the first segment;
 * the rest is read as described in the file header.
 * @example inferLayout('/news/vod/film.mp4/720p/seg-12.ts') // news, vod/film.mp4, vod, 720p
 * @example inferLayout('/news/live/ch5_720p/seg9.ts') // news, live/ch5, live, 720p
 */
export function inferLayout(path: string): InferredLayout {
  if (!path.startsWith('/')) return { app: '', resource: path, kind: '', rendition: '' };
  const slash = path.indexOf('/', 1);
  if (slash < 0) return { app: path.slice(1), resource: '', kind: '', rendition: '' };
  const app = path.slice(1, slash);
  const rest = path.slice(slash + 1);
  const last = rest.lastIndexOf('/');
  const name = rest.slice(last + 1);
  // Most requests of object storage are plain files (a file even inside a presentation): their
  // reading needs no directory analysis.
  if (readName(name, true).role === 'file')
    return { app, resource: rest, kind: fileKind(path, slash + 1 + last), rendition: '' };
  const dirs = last < 0 ? [] : rest.slice(0, last).split('/');

  let kind = wordKind(path, slash + 1 + last);

  // The presentation: the nearest directory named like a media file, if any.
  let presentationAt = -1;
  for (let i = dirs.length - 1; i >= 0; i--) {
    if (PRESENTATION_EXTENSIONS.has(extensionOf(withoutPrefix(dirs[i] as string).name))) {
      presentationAt = i;
      break;
    }
  }

  // Rendition levels and track directories below the presentation, nearest the file first.
  let rendition = '';
  let kept = dirs.length;
  while (kept > presentationAt + 1) {
    const dir = dirs[kept - 1] as string;
    if (dir === '') {
      kept -= 1;
      continue;
    }
    const quality = smoothQuality(dir);
    if (quality !== undefined) {
      if (rendition === '') rendition = quality;
      kept -= 1;
      continue;
    }
    const reading = readTokens(dir, false);
    // A directory of digits alone is a level when short (Bento4's track `1`), an id when long.
    if (!(reading.level || reading.track) || (allDigits(dir) && dir.length > 3)) {
      // A language under a track directory (Bento4's `audio/en/mp4a.40.2/`) is part of the track.
      const above = kept - 2 > presentationAt ? (dirs[kept - 2] as string) : undefined;
      if (above === undefined || !readTokens(above, false).track) break;
      kept -= 2;
      continue;
    }
    if (rendition === '') rendition = reading.rendition;
    kept -= 1;
  }

  const inPresentation = presentationAt >= 0 || kept < dirs.length;
  const { role, stem } = readName(name, inPresentation);
  if (role === 'file') return { app, resource: rest, kind: fileKind(path, slash + 1 + last), rendition: '' };

  // The directories that name the presentation, without Wowza's `_definst_` and stream prefixes.
  const parts: string[] = [];
  let vodPrefix = false;
  for (let i = 0; i < kept; i++) {
    const dir = dirs[i] as string;
    if (dir === '' || dir === '_definst_') continue;
    const { name: unprefixed, vod } = withoutPrefix(dir);
    vodPrefix ||= vod;
    parts.push(unprefixed);
  }
  // The presentation directory's own rendition suffix: `/live/ch5_720p/seg9.ts`.
  const lastPart = parts[parts.length - 1];
  if (presentationAt < 0 && lastPart !== undefined) {
    const reading = readTokens(lastPart, true);
    if (reading.stem !== '' && reading.rendition !== '' && reading.stem !== lastPart) {
      if (rendition === '') rendition = reading.rendition;
      parts[parts.length - 1] = trimSeparators(reading.stem);
    }
  }

  const nameReading = readTokens(stem, role === 'manifest');
  if (rendition === '') rendition = nameReading.rendition;
  // The name names the presentation only outside one, and unless it repeats the directory's name.
  const nameStem = trimSeparators(nameReading.track ? '' : nameReading.stem);
  if (presentationAt < 0 && nameStem !== '' && nameStem !== parts[parts.length - 1]) parts.push(nameStem);
  // Nothing names it (`/hls/index.m3u8`): the name itself, without its sequence number.
  const resource =
    parts.length > 0
      ? parts.join('/')
      : trimSeparators(nameReading.plain) || trimSeparators(stem) || (role === 'manifest' ? name : '');

  if (kind === '') {
    const presentationExt = presentationAt >= 0 ? extensionOf(dirs[presentationAt] as string) : '';
    if (presentationExt === 'isml') kind = 'live';
    else if (vodPrefix || (presentationExt !== '' && presentationExt !== 'smil')) kind = 'vod';
    else if (app === 'hls' || app === 'dash') kind = 'live'; // nginx-rtmp's hls_path / dash_path
  }
  return { app, resource, kind, rendition };
}

function trimSeparators(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSeparator(text.charCodeAt(start))) start += 1;
  while (end > start && isSeparator(text.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
