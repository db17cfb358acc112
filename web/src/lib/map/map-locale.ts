/**
 * MapLibre's own control strings (tooltips and aria-labels) in the page's language, for the
 * map's `locale` option. IDs from maplibre-gl's src/ui/default_locale.ts.
 */
import { translate, type Locale, type MessageKey } from '../i18n/translate';

const CONTROL_KEYS: Record<string, MessageKey> = {
  'AttributionControl.ToggleAttribution': 'mapControl.toggleAttribution',
  'AttributionControl.MapFeedback': 'mapControl.mapFeedback',
  'FullscreenControl.Enter': 'mapControl.fullscreenEnter',
  'FullscreenControl.Exit': 'mapControl.fullscreenExit',
  'GeolocateControl.FindMyLocation': 'mapControl.findMyLocation',
  'GeolocateControl.LocationNotAvailable': 'mapControl.locationNotAvailable',
  'LogoControl.Title': 'mapControl.logo',
  'NavigationControl.ResetBearing': 'mapControl.resetBearing',
  'NavigationControl.ZoomIn': 'mapControl.zoomIn',
  'NavigationControl.ZoomOut': 'mapControl.zoomOut',
};

export function mapLocale(locale: Locale): Record<string, string> {
  return Object.fromEntries(Object.entries(CONTROL_KEYS).map(([id, key]) => [id, translate(locale, key)]));
}
