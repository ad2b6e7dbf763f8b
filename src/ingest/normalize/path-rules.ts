/**
 * Path rules (DESIGN section 5): map a URL path to app, resource, kind, target, rendition and
 * protocol. Rules are tried in order and the first match wins; groups a rule leaves unset fall
 * back to the defaults (app = first segment, resource = the rest, protocol from the extension).
 */

import type { PathRuleConfig } from '../../config/config.js';
import { type Kind, PATH_RULE_GROUPS } from '../../domain/dimensions.js';
import { AppError } from '../../domain/errors.js';
import type { DeliveryRecord } from '../../domain/record.js';
import { compileBoundedRegExp } from './bounded-regexp.js';
import { directoryOutcome, type RuleScope, ruleScope } from './path-rule-scope.js';

/** The dimensions a path decides (DeliveryRecord's names), and the viewing seconds of its rule. */
export interface PathFacts
  extends Pick<DeliveryRecord, 'app' | 'resource' | 'kind' | 'target' | 'rendition' | 'protocol'> {
  /** Viewing seconds one successful media request stands for, 0 when the rule does not say. */
  segmentSeconds: number;
}

interface CompiledRule {
  regex: RegExp;
  fixed: PathRuleConfig;
  /** How much of a path the regex reads; null when that is not known (see path-rule-scope.ts). */
  scope: RuleScope | null;
}

/**
 * Rules for layouts common enough to recognise without configuration; a config's `pathRules`
 * replaces them entirely (docs/CONFIGURATION.md lists them).
 */
export const BUILT_IN_PATH_RULES: PathRuleConfig[] = [
  // Wowza Streaming Engine HTTP streaming: /{app}/_definst_/[mp4:]{stream}[_720p]/playlist.m3u8
  {
    regex: '^/(?<app>[^/]+)/_definst_/(?:[a-z0-9]+:)?(?<resource>[^/]+?)(?:_(?<rendition>\\d{3,4}p))?(?:/|$)',
  },
  // nginx-rtmp HLS / DASH: /hls/{stream}[_720p].m3u8, /hls/{stream}-12.ts, nested /hls/{stream}/index.m3u8
  {
    regex:
      '^/(?<app>hls|dash)/(?<resource>[^/]+?)(?:_(?<rendition>\\d{3,4}p))?(?:/|-\\d+\\.(?:ts|m4[asv])$|-init\\.m4[av]$|\\.(?:m3u8|mpd)$)',
    kind: 'live',
  },
  // {stream}_{rendition} directories: /{app}/{stream}_720p/segment.ts
  { regex: '^/(?<app>[^/]+)/(?<resource>[^/]+?)_(?<rendition>\\d{3,4}p)/' },
];

const MANIFEST = /\.(?:m3u8|mpd|f4m|ism\/manifest)$/i;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `{name}` matches a non-empty run inside one segment (shortest match); a trailing `*` matches the rest.
 * @example patternToRegex('/{app}/vod/{resource}/*') // '^/(?<app>[^/]+?)/vod/(?<resource>[^/]+?)/.*$'
 */
export function patternToRegex(pattern: string): string {
  const rest = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  let source = '^';
  let i = 0;
  while (i < rest.length) {
    const open = rest.indexOf('{', i);
    if (open < 0) {
      source += escapeRegex(rest.slice(i));
      break;
    }
    const close = rest.indexOf('}', open);
    if (close < 0) throw new AppError('bad-config', `pathRules: pattern '${pattern}' has an unclosed {`);
    source += `${escapeRegex(rest.slice(i, open))}(?<${rest.slice(open + 1, close)}>[^/]+?)`;
    i = close + 1;
  }
  return `${source}${pattern.endsWith('*') ? '.*' : ''}$`;
}

export function compilePathRules(rules: readonly PathRuleConfig[]): CompiledRule[] {
  return rules.map((rule, index) => {
    const source = rule.regex ?? patternToRegex(rule.pattern ?? '');
    const compiled = compileBoundedRegExp(source);
    if ('problem' in compiled)
      throw new AppError('bad-config', `pathRules[${index}]: bad regex (${compiled.problem})`);
    const { regex } = compiled;
    const groups = [...source.matchAll(/\(\?<([A-Za-z0-9_]+)>/g)].map((m) => m[1] ?? '');
    for (const group of groups) {
      if (!(PATH_RULE_GROUPS as readonly string[]).includes(group)) {
        throw new AppError(
          'bad-config',
          `pathRules[${index}]: unknown group '${group}' (one of ${PATH_RULE_GROUPS.join(', ')})`,
        );
      }
    }
    return { regex, fixed: rule, scope: ruleScope(source) };
  });
}

/** `.m3u8`/`.ts`/`.m4s` -> hls, `.mpd` -> dash, else the format's default (`http`, or `s3` for S3 logs). */
export function protocolFromExtension(path: string, fallback: string): string {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return fallback;
  switch (path.slice(dot + 1).toLowerCase()) {
    case 'm3u8':
    case 'ts':
    case 'm4s':
      return 'hls';
    case 'mpd':
      return 'dash';
    default:
      return fallback;
  }
}

/**
 * The one part of the file name `path.slice(nameStart, end)` that resolvePath reads once the
 * directory has decided the rule (see `directoryDecides`): its extension from the last dot, which
 * gives the protocol and tells manifests, or `manifest` for a Smooth Streaming manifest, else ''.
 */
export function nameClass(path: string, nameStart: number, end: number): string {
  const dot = path.lastIndexOf('.', end - 1);
  if (dot >= nameStart) return path.slice(dot, end);
  return end - nameStart === 8 && path.slice(nameStart, end).toLowerCase() === 'manifest' ? 'manifest' : '';
}

/**
 * True when every path `dir + name` (`dir` cleaned and ending in `/`, `name` without slashes or
 * line terminators) resolves alike for names of one `nameClass`: the rules settle on one rule from
 * `dir` alone, and that rule names the app and resource itself, leaving only the protocol and the
 * manifest test to the name's extension. Then a directory of segments is resolved once per
 * extension instead of once per segment.
 */
export function directoryDecides(dir: string, rules: readonly CompiledRule[]): boolean {
  let dirSlashes = 0;
  for (let i = dir.indexOf('/'); i >= 0; i = dir.indexOf('/', i + 1)) dirSlashes += 1;
  for (const { regex, scope } of rules) {
    if (scope === null) return false;
    const outcome = directoryOutcome(scope, dirSlashes);
    if (outcome === 'reads-name') return false;
    if (outcome === 'fails') continue;
    const match = regex.exec(dir);
    if (!match) continue;
    const g = match.groups ?? {};
    // A group the rule leaves unset falls back to a default that reads the name: the resource
    // always, the app when the name is the path's only segment.
    return g.resource !== undefined && (g.app !== undefined || dir.indexOf('/', 1) >= 0);
  }
  // No rule: the default resource is the path, name included.
  return false;
}

function asKind(value: string | undefined): Kind | undefined {
  return value === 'live' || value === 'vod' || value === '' ? value : undefined;
}

/** What applies when a rule leaves a group unset, beyond the path itself. */
export interface PathDefaults {
  /** Protocol when no rule sets one; undefined: from the extension, else `fallbackProtocol`. */
  protocol?: string | undefined;
  /** App and resource named by the log itself (stream logs), instead of the path's segments. */
  app?: string | undefined;
  resource?: string | undefined;
}

/** Applies the first matching rule, then the defaults, to a cleaned path. */
export function resolvePath(
  path: string,
  rules: readonly CompiledRule[],
  fallbackProtocol: string,
  defaults: PathDefaults = {},
): PathFacts {
  const slash = path.indexOf('/', 1);
  const defaultApp =
    defaults.app ?? (path.startsWith('/') ? (slash < 0 ? path.slice(1) : path.slice(1, slash)) : '');
  const defaultResource =
    defaults.resource ?? (path.startsWith('/') ? (slash < 0 ? '' : path.slice(slash + 1)) : path);
  const defaultProtocol = (): string => defaults.protocol ?? protocolFromExtension(path, fallbackProtocol);

  for (const { regex, fixed } of rules) {
    const match = regex.exec(path);
    if (!match) continue;
    const g = match.groups ?? {};
    return {
      app: g.app ?? defaultApp,
      resource: g.resource ?? defaultResource,
      kind: asKind(g.kind) ?? fixed.kind ?? '',
      target: g.target ?? fixed.target ?? '',
      rendition: g.rendition ?? '',
      protocol: g.protocol ?? fixed.protocol ?? defaultProtocol(),
      segmentSeconds: fixed.segmentSeconds !== undefined && !MANIFEST.test(path) ? fixed.segmentSeconds : 0,
    };
  }
  return {
    app: defaultApp,
    resource: defaultResource,
    kind: '',
    target: '',
    rendition: '',
    protocol: defaultProtocol(),
    segmentSeconds: 0,
  };
}

export type CompiledPathRules = CompiledRule[];
