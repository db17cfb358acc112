/** The in-process street-network engine: graph, snapping, bounded search, isochrones, matrices. */
export { buildGraph, pointAlongEdge, profileCosts } from './graph';
export { MinHeap } from './heap';
export { isochrones, reachedSegments, type IsochroneOptions } from './isochrone';
export { localMetric, metresPerDegreeLat, metresPerDegreeLng, type LocalMetric } from './local-metric';
export { travelTimes } from './matrix';
export { EBIKE_MAX_KMH, PROFILES, ROAD_CLASSES, WALK_KMH, respectsOneway, speedMetersPerSecond } from './profiles';
export { partialCost, search, snapCosts } from './search';
export { snapPoint, withAccessWalk } from './snap';
export type * from './types';
export { edgeStretch, routeTo, timesAndRoutes, type Route } from './route';
