import type { MapOptions } from 'maplibre-gl';

/**
 * MapLibre 6 doesn't re-export the style-spec types, and `@maplibre/maplibre-gl-style-spec` is
 * not a direct dependency, so derive them from `MapOptions`.
 */
export type StyleSpecification = Exclude<MapOptions['style'], string | undefined>;
export type LayerSpecification = StyleSpecification['layers'][number];
export type SourceSpecification = StyleSpecification['sources'][string];
