/**
 * Path rules (DESIGN section 5): map a URL path to app, resource, kind, target, rendition and
 * protocol. Rules are tried in order and the first match wins; groups a rule leaves unset, and
 * every group of a path no rule matches, fall back to layout inference (layout-inference.ts) and
 * the protocol to the extension.
 */

import type { PathRuleConfig } from '../../config/config.js';
import { type Kind, PATH_RULE_GROUPS } from '../../domain/dimensions.js';
import { AppError } from '../../domain/errors.js';
import type { DeliveryRecord } from '../../domain/record.js';
import { compileBoundedRegExp } from './bounded-regexp.js';
import { type InferredLayout, inferLayout } from './layout-inference.js';
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

/** Compiles a config's rules (none: inference alone). */
export function compilePathRules(rules: readonly PathRuleConfig[] = []): CompiledRule[] {
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
 * True when no rule reads the file name of a path `dir + name` (`dir` cleaned and ending in `/`,
 * `name` without slashes or line terminators): the rules settle on one rule, or on none, from
 * `dir` alone. What the name then adds is layout inference's and the extension's, which read a
 * segment name without its sequence number (layout-inference.ts `sequenceRun`), so a directory of
 * segments is resolved once per kind of name instead of once per segment.
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
    // In the root directory the name is the path's first segment, the default app.
    if (match) return dirSlashes > 1 || match.groups?.app !== undefined;
  }
  return dirSlashes > 1;
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

/** Applies the first matching rule, then layout inference and the defaults, to a cleaned path. */
export function resolvePath(
  path: string,
  rules: readonly CompiledRule[],
  fallbackProtocol: string,
  defaults: PathDefaults = {},
): PathFacts {
  // No rule matching is a rule that sets nothing.
  let g: Partial<Record<string, string>> = {};
  let fixed: PathRuleConfig = {};
  for (const rule of rules) {
    const match = rule.regex.exec(path);
    if (!match) continue;
    g = match.groups ?? {};
    fixed = rule.fixed;
    break;
  }
  // Inference only for what neither the rule nor the log says: a rule that names everything
  // never needs it.
  let inferred: InferredLayout | undefined;
  const infer = (): InferredLayout => {
    inferred ??= inferLayout(path);
    return inferred;
  };
  return {
    app: g.app ?? defaults.app ?? infer().app,
    resource: g.resource ?? defaults.resource ?? infer().resource,
    kind: asKind(g.kind) ?? fixed.kind ?? infer().kind,
    target: g.target ?? fixed.target ?? '',
    rendition: g.rendition ?? infer().rendition,
    protocol:
      g.protocol ?? fixed.protocol ?? defaults.protocol ?? protocolFromExtension(path, fallbackProtocol),
    segmentSeconds: fixed.segmentSeconds !== undefined && !MANIFEST.test(path) ? fixed.segmentSeconds : 0,
  };
}

export type CompiledPathRules = CompiledRule[];
