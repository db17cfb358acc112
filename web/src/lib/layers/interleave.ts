/**
 * `beforeId` is read by @deck.gl/maplibre in interleaved mode to place a layer under a MapLibre
 * layer, but deck.gl's LayerProps don't declare it; pass this as a layer's extra-props generic.
 */
export type InterleaveProps = { beforeId?: string };
