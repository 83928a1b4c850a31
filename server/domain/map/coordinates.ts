// Slippy-map tile coordinates (z/x/y, as OpenStreetMap numbers tiles): what
// /tiles/:z/:x/:y.png accepts, checked strictly before anything is fetched.

/** The deepest zoom level served: OpenStreetMap's standard tiles stop at 19. */
export const MAX_TILE_ZOOM = 19;

export interface TileCoordinates {
  z: number;
  x: number;
  y: number;
}

/** A plain decimal integer without sign, leading zeros or spaces ("0", "17"), at most 7 digits. */
const INTEGER = /^(0|[1-9][0-9]{0,6})$/;

/**
 * The tile the three path segments name, or null: z within 0..MAX_TILE_ZOOM,
 * x and y within 0..2^z−1. Anything else ("1.5", "-1", "01", "1e3") is refused.
 */
export function parseTileCoordinates(z: string, x: string, y: string): TileCoordinates | null {
  if (!INTEGER.test(z) || !INTEGER.test(x) || !INTEGER.test(y)) return null;
  const tile = { z: Number(z), x: Number(x), y: Number(y) };
  if (tile.z > MAX_TILE_ZOOM) return null;
  const size = 2 ** tile.z;
  if (tile.x >= size || tile.y >= size) return null;
  return tile;
}

/** The upstream URL of a tile: the template's {z}, {x}, {y} (and an optional {s} subdomain: "a") replaced. */
export function tileUrl(template: string, tile: TileCoordinates): string {
  return template
    .replaceAll("{z}", String(tile.z))
    .replaceAll("{x}", String(tile.x))
    .replaceAll("{y}", String(tile.y))
    .replaceAll("{s}", "a");
}
