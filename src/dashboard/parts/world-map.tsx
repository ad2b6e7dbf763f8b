/**
 * A world map shaded by one metric per country: Natural Earth's 1:110m countries from world-atlas
 * (TopoJSON), drawn as SVG with d3-geo's Equal Earth projection. Tally's countries are ISO 3166
 * alpha-2 codes; world-atlas names countries by their numeric codes (i18n-iso-countries maps one
 * to the other). Loaded only when the Countries page opens (a chunk of its own).
 */
import { geoEqualEarth, geoPath } from 'd3-geo';
import type { Feature, Geometry } from 'geojson';
import countries from 'i18n-iso-countries';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json';
import { showMetric } from '../format.js';

const WIDTH = 960;
const HEIGHT = 470;

type Country = Feature<Geometry, { name: string }> & { id?: string | number };

const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const shapes = (feature(topology, topology.objects.countries) as unknown as { features: Country[] }).features;
const projection = geoEqualEarth().fitSize([WIDTH, HEIGHT], { type: 'Sphere' });
const path = geoPath(projection);
const drawn = shapes.map((shape) => ({
  code: countries.numericToAlpha2(String(shape.id ?? '')) ?? '',
  name: shape.properties.name,
  d: path(shape) ?? '',
}));

/** Light to dark blue by share of the largest value (square root: small countries stay visible). */
function shade(value: number, max: number): string {
  if (value <= 0 || max <= 0) return '#e2e8f0';
  const t = Math.sqrt(value / max);
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(219, 30)}, ${mix(234, 64)}, ${mix(254, 175)})`;
}

export default function WorldMap({ values, metric }: { values: Map<string, number>; metric: string }) {
  const max = Math.max(0, ...values.values());
  return (
    <svg
      class="world-map"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`World map of ${metric} by country`}
    >
      {drawn.map((c) => {
        const value = values.get(c.code) ?? 0;
        const shown = showMetric(metric, value);
        return (
          <path
            key={`${c.code}-${c.name}`}
            d={c.d}
            fill={shade(value, max)}
            stroke="#ffffff"
            stroke-width="0.5"
            data-country={c.code}
          >
            <title>{`${c.name}: ${shown.text} (${shown.exact})`}</title>
          </path>
        );
      })}
    </svg>
  );
}
