/** The dimensions usage can be grouped and filtered by (DESIGN section 2). */

export const DIMENSIONS = [
  'app',
  'resource',
  'kind',
  'target',
  'rendition',
  'protocol',
  'zone',
  'country',
  'source',
] as const;

export type Dimension = (typeof DIMENSIONS)[number];

const dimensionSet: ReadonlySet<string> = new Set(DIMENSIONS);

export function isDimension(name: string): name is Dimension {
  return dimensionSet.has(name);
}

/** Record kinds: `live`, `vod`, or `''` when the path rule does not say. */
export type Kind = 'live' | 'vod' | '';

/** The named groups a path rule may capture (DESIGN section 5). */
export const PATH_RULE_GROUPS = ['app', 'resource', 'kind', 'target', 'rendition', 'protocol'] as const;
