/**
 * Finding the compound an Open311 request's lat/long falls in. Compounds with a registered position
 * sit in the index under the geohash cell (precision 5, about 4.9 × 4.9 km) of their centre; a point
 * is looked up in its own cell and the eight around it, so any compound whose radius (at most 2 km)
 * reaches the point is among the candidates, and the nearest whose radius covers it wins.
 */
const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';
export const CELL_PRECISION = 5;
/** A compound's radius may not exceed this: the eight neighbouring cells must cover it. */
export const MAX_RADIUS_METRES = 2000;

export function geohash(lat: number, long: number, precision = CELL_PRECISION): string {
  return cellOf(lat, long, precision).hash;
}

/** The cell of a point: its hash and its bounds. */
function cellOf(lat: number, long: number, precision: number): { hash: string; latRange: [number, number]; longRange: [number, number] } {
  const latRange: [number, number] = [-90, 90];
  const longRange: [number, number] = [-180, 180];
  let hash = '';
  let bits = 0;
  let value = 0;
  let even = true;
  while (hash.length < precision) {
    const range = even ? longRange : latRange;
    const x = even ? long : lat;
    const mid = (range[0] + range[1]) / 2;
    value <<= 1;
    if (x >= mid) {
      value |= 1;
      range[0] = mid;
    } else range[1] = mid;
    even = !even;
    if (++bits === 5) {
      hash += BASE32[value];
      bits = 0;
      value = 0;
    }
  }
  return { hash, latRange, longRange };
}

/** The size of a cell of this precision, in degrees. */
function cellSize(precision: number): { lat: number; long: number } {
  const bits = precision * 5;
  const longBits = Math.ceil(bits / 2);
  const latBits = Math.floor(bits / 2);
  return { lat: 180 / 2 ** latBits, long: 360 / 2 ** longBits };
}

/** The cell of a point and the eight cells around it (fewer at the poles; longitude wraps). */
export function cellsAround(lat: number, long: number, precision = CELL_PRECISION): string[] {
  const size = cellSize(precision);
  // Step from the centre of the point's own cell, never from the point: a point on a cell's edge
  // plus one cell's size would land on the next edge, a cell too far.
  const own = cellOf(lat, long, precision);
  const centre = { lat: (own.latRange[0] + own.latRange[1]) / 2, long: (own.longRange[0] + own.longRange[1]) / 2 };
  const cells = new Set<string>();
  for (const dLat of [-1, 0, 1]) {
    for (const dLong of [-1, 0, 1]) {
      const y = centre.lat + dLat * size.lat;
      if (y < -90 || y > 90) continue;
      let x = centre.long + dLong * size.long;
      if (x >= 180) x -= 360;
      if (x < -180) x += 360;
      cells.add(geohash(y, x, precision));
    }
  }
  return [...cells];
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function distanceMetres(aLat: number, aLong: number, bLat: number, bLong: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLong = (bLong - aLong) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLong / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface PlacedCompound {
  compoundId: string;
  lat: number;
  long: number;
  radiusMetres: number;
}

/** The nearest compound whose radius covers the point; undefined when none does. */
export function nearestCovering<T extends PlacedCompound>(lat: number, long: number, candidates: readonly T[]): T | undefined {
  let best: { c: T; d: number } | undefined;
  for (const c of candidates) {
    const d = distanceMetres(lat, long, c.lat, c.long);
    if (d <= c.radiusMetres && (!best || d < best.d || (d === best.d && c.compoundId < best.c.compoundId))) best = { c, d };
  }
  return best?.c;
}
