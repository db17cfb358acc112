/**
 * Hand-offs to the navigation apps riders already use. Chinese map apps take GCJ-02 (the "Mars"
 * datum the state requires of them); our data is WGS84, so each link converts with gcoord.
 * Documented forms:
 * - 高德: https://lbs.amap.com/api/uri-api/guide/travel/route (web URI, opens the app with callnative=1);
 * - 百度: https://lbsyun.baidu.com/faq/api?title=webapi/uri/andriod (latitude first; `src` is required);
 * - 腾讯: https://lbs.qq.com/webApi/uriV1/uriGuide/uriMobileRoute;
 * - geo: RFC 5870, WGS84 by definition.
 */
import gcoord from 'gcoord';
import type { LngLat } from '../types';

/** Who we are, for the apps that ask (`src`, `referer`). */
export const APP_SOURCE = 'wangge';

export type NavigationTarget = { name: string; at: LngLat };
export type NavigationApp = 'amap' | 'baidu' | 'tencent' | 'geo';
export type NavigationLink = { app: NavigationApp; href: string };

/** WGS84 → GCJ-02, rounded to 6 decimals (about 0.1 m: more is noise in a URL). */
export function toGcj02({ lng, lat }: LngLat): LngLat {
  const [x, y] = gcoord.transform([lng, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
  return { lng: round6(x), lat: round6(y) };
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

/** 高德 (web URI; `callnative=1` opens the app when installed). GCJ-02, longitude first. */
export function amapLink({ name, at }: NavigationTarget): string {
  const { lng, lat } = toGcj02(at);
  // The name is the third field of a comma-separated value that the app decodes before splitting:
  // a comma in it becomes a full-width one, which reads the same.
  return `https://uri.amap.com/navigation?to=${lng},${lat},${encodeURIComponent(name.replaceAll(',', '，'))}&mode=ride&src=${APP_SOURCE}&callnative=1`;
}

/**
 * 百度: GCJ-02 said in `coord_type`, latitude first. `|` separates the destination's fields, and
 * the app decodes the value before splitting it, so a `|` in the name becomes a space.
 */
export function baiduLink({ name, at }: NavigationTarget): string {
  const { lng, lat } = toGcj02(at);
  return `baidumap://map/direction?destination=name:${encodeURIComponent(name.replaceAll('|', ' '))}|latlng:${lat},${lng}&coord_type=gcj02&mode=riding&src=${APP_SOURCE}`;
}

/** 腾讯: GCJ-02, latitude first, from wherever the phone is. */
export function tencentLink({ name, at }: NavigationTarget): string {
  const { lng, lat } = toGcj02(at);
  return `qqmap://map/routeplan?type=bike&fromcoord=CurrentLocation&to=${encodeURIComponent(name)}&tocoord=${lat},${lng}&referer=${APP_SOURCE}`;
}

/** geo: for any other Android app, in WGS84 (RFC 5870), latitude first. */
export function geoLink({ name, at }: NavigationTarget): string {
  const lat = round6(at.lat);
  const lng = round6(at.lng);
  return `geo:${lat},${lng}?q=${lat},${lng}(${encodeURIComponent(name)})`;
}

/** Every hand-off for one station, in the order the card shows them. */
export function navigationLinks(target: NavigationTarget): NavigationLink[] {
  return [
    { app: 'amap', href: amapLink(target) },
    { app: 'baidu', href: baiduLink(target) },
    { app: 'tencent', href: tencentLink(target) },
    { app: 'geo', href: geoLink(target) },
  ];
}

/** A `tel:` link, keeping only what a dialler understands (digits, +, and the extension marks). */
export function telLink(phone: string): string | null {
  const digits = phone.replace(/[^0-9+*#,;]/g, '');
  return digits ? `tel:${digits}` : null;
}
