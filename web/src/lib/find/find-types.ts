import type { Feature, Point } from 'geojson';
import type { NearestStationProps } from '../types';

/** One card: a station as `/api/stations/nearest` answers it (or as the offline list rebuilds it). */
export type FindFeature = Feature<Point, NearestStationProps>;
