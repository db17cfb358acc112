import * as maplibregl from 'maplibre-gl';
import type { Locale } from '../i18n/translate';
import { mapLocale } from './map-locale';

/** Before the data's bounds are known: all of China. */
const CHINA_VIEW = { center: [104.2, 35.9] as [number, number], zoom: 3.5 };

/**
 * A map as every page of the app wants it: north up (no rotation or pitch, by mouse, touch or
 * keys), a compact attribution, and the controls' labels in the page's language. Each page adds
 * its own controls and layers.
 */
export function createMap(options: {
  container: HTMLElement;
  style: maplibregl.StyleSpecification | string;
  bounds?: [number, number, number, number] | null | undefined;
  padding?: maplibregl.PaddingOptions | number | undefined;
  locale: Locale;
}): maplibregl.Map {
  const map = new maplibregl.Map({
    container: options.container,
    style: options.style,
    ...(options.bounds
      ? { bounds: options.bounds, fitBoundsOptions: options.padding === undefined ? {} : { padding: options.padding } }
      : CHINA_VIEW),
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    attributionControl: { compact: true },
    // The controls' tooltips and labels in the page's language (MapLibre's default is English).
    locale: mapLocale(options.locale),
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  return map;
}
