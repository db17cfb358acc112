import gcoord from 'gcoord';
import { distance } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import {
  amapLink,
  baiduLink,
  geoLink,
  navigationLinks,
  telLink,
  tencentLink,
  toGcj02,
} from '../../web/src/lib/find/navigation-links';

// 小蜜蜂驿站·锦绣广场 in the demo city (WGS84).
const station = Object.freeze({ name: '小蜜蜂驿站·锦绣广场', at: Object.freeze({ lng: 106.64698, lat: 26.612256 }) });
const [gcjLng, gcjLat] = gcoord.transform([station.at.lng, station.at.lat], gcoord.WGS84, gcoord.GCJ02) as [
  number,
  number,
];

describe('toGcj02', () => {
  it('matches gcoord, to 6 decimals', () => {
    const gcj = toGcj02(station.at);
    expect(gcj.lng).toBeCloseTo(gcjLng, 6);
    expect(gcj.lat).toBeCloseTo(gcjLat, 6);
  });
  it('moves the point by the few hundred metres GCJ-02 shifts it in Guiyang, and back', () => {
    const gcj = toGcj02(station.at);
    const shift_m = distance([station.at.lng, station.at.lat], [gcj.lng, gcj.lat], { units: 'meters' });
    expect(shift_m).toBeGreaterThan(200);
    expect(shift_m).toBeLessThan(800);
    const [lng, lat] = gcoord.transform([gcj.lng, gcj.lat], gcoord.GCJ02, gcoord.WGS84) as [number, number];
    expect(lng).toBeCloseTo(station.at.lng, 5);
    expect(lat).toBeCloseTo(station.at.lat, 5);
  });
});

describe('amapLink', () => {
  it('sends GCJ-02, longitude first, the name, riding mode and our source', () => {
    const url = new URL(amapLink(station));
    expect(url.origin + url.pathname).toBe('https://uri.amap.com/navigation');
    const [lng, lat, name] = url.searchParams.get('to')!.split(',');
    expect(Number(lng)).toBeCloseTo(gcjLng, 6);
    expect(Number(lat)).toBeCloseTo(gcjLat, 6);
    expect(name).toBe(station.name);
    expect(url.searchParams.get('mode')).toBe('ride');
    expect(url.searchParams.get('src')).toBe('wangge');
    expect(url.searchParams.get('callnative')).toBe('1');
  });
  it('keeps a comma or & in the name from splitting the fields', () => {
    const url = new URL(amapLink({ name: 'A,B&C', at: station.at }));
    expect(url.searchParams.get('to')!.split(',')[2]).toBe('A，B&C');
    expect(url.searchParams.get('mode')).toBe('ride');
  });
});

describe('baiduLink', () => {
  it('sends GCJ-02 latitude first, says so in coord_type, and has src', () => {
    const href = baiduLink(station);
    expect(href.startsWith('baidumap://map/direction?')).toBe(true);
    const params = new URLSearchParams(href.slice(href.indexOf('?') + 1));
    const match = /^name:(.+)\|latlng:([\d.]+),([\d.]+)$/.exec(params.get('destination')!);
    expect(match).not.toBeNull();
    expect(match![1]).toBe(station.name);
    expect(Number(match![2])).toBeCloseTo(gcjLat, 6);
    expect(Number(match![3])).toBeCloseTo(gcjLng, 6);
    expect(params.get('coord_type')).toBe('gcj02');
    expect(params.get('mode')).toBe('riding');
    expect(params.get('src')).toBe('wangge');
  });
  it('keeps a | in the name from ending the name field', () => {
    const params = new URLSearchParams(baiduLink({ name: 'A|B&C', at: station.at }).split('?')[1]);
    expect(params.get('destination')!.split('|')).toEqual([
      'name:A B&C',
      expect.stringMatching(/^latlng:[\d.]+,[\d.]+$/),
    ]);
    expect(params.get('src')).toBe('wangge');
  });
});

describe('tencentLink', () => {
  it('routes by bike from the current location to GCJ-02, latitude first', () => {
    const href = tencentLink(station);
    expect(href.startsWith('qqmap://map/routeplan?')).toBe(true);
    const params = new URLSearchParams(href.split('?')[1]);
    expect(params.get('type')).toBe('bike');
    expect(params.get('fromcoord')).toBe('CurrentLocation');
    expect(params.get('to')).toBe(station.name);
    const [lat, lng] = params.get('tocoord')!.split(',').map(Number);
    expect(lat).toBeCloseTo(gcjLat, 6);
    expect(lng).toBeCloseTo(gcjLng, 6);
    expect(params.get('referer')).toBe('wangge');
  });
});

describe('geoLink', () => {
  it('stays in WGS84 (RFC 5870), latitude first, with the name as the label', () => {
    expect(geoLink(station)).toBe(`geo:26.612256,106.64698?q=26.612256,106.64698(${encodeURIComponent(station.name)})`);
  });
});

describe('navigationLinks', () => {
  it('offers the four apps in order', () => {
    expect(navigationLinks(station).map((link) => link.app)).toEqual(['amap', 'baidu', 'tencent', 'geo']);
  });
});

describe('telLink', () => {
  it('keeps what a dialler understands', () => {
    expect(telLink('0851-81620534')).toBe('tel:085181620534');
    expect(telLink('+86 851 8162 0534')).toBe('tel:+8685181620534');
    expect(telLink('')).toBeNull();
    expect(telLink('无')).toBeNull();
  });
});
