// What the web client needs to draw the map: whether tiles are served, where
// from, their credit, and the commune's centre and zoom (an admin's settings).
import type { DomainContext } from "../context";
import { getSettings } from "../instance";

export interface MapConfig {
  tiles: boolean;
  tile_url: string | null;
  attribution: string;
  center: [number, number] | null;
  zoom: number;
}

export async function mapConfig(ctx: DomainContext): Promise<MapConfig> {
  const settings = await getSettings(ctx);
  const tiles = Boolean(ctx.config.map.tilesUrl);
  return {
    tiles,
    tile_url: tiles ? "/tiles/{z}/{x}/{y}.png" : null,
    attribution: ctx.config.map.attribution,
    center: settings.mapCenter,
    zoom: settings.mapZoom,
  };
}
