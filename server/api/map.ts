// The map: GET /tiles/:z/:x/:y.png (map tiles from the configured tile server,
// proxied and cached: server/domain/map/tiles.ts) and GET /api/parvis/map/config
// (what the web client needs to draw the map).
import { join } from "node:path";
import { Router } from "express";
import { createTileProxy, mapConfig, parseTileCoordinates } from "../domain/map";
import { NotFound } from "../errors";
import type { Services } from "../services";
import { PARVIS_VERSION } from "../version";

export function mapRouter(services: Services): Router {
  const router = Router();
  const { config } = services;
  const proxy = config.map.tilesUrl
    ? createTileProxy({
        template: config.map.tilesUrl,
        cacheDir: join(config.dataDir, "tiles"),
        maxBytes: config.map.tileCacheBytes,
        // who is asking, as tile servers' usage policies require
        userAgent: `Parvis/${PARVIS_VERSION} (+${config.origin}/${config.commune.contactEmail ? `; ${config.commune.contactEmail}` : ""})`,
      })
    : null;

  router.get("/api/parvis/map/config", async (_req, res) => {
    res.json(await mapConfig(services.domain));
  });

  router.get("/tiles/:z/:x/:y.png", async (req, res) => {
    const { z, x, y } = req.params as Record<string, string>;
    const tile = parseTileCoordinates(z, x, y);
    if (!tile) {
      res.status(400).json({ error: "Invalid tile coordinates" });
      return;
    }
    if (!proxy) throw new NotFound("No tile server is configured");
    const found = await proxy.get(tile);
    res.setHeader("Content-Type", found.contentType);
    res.setHeader("Content-Length", String(found.bytes.length));
    res.setHeader("Cache-Control", `public, max-age=${found.maxAgeS}`);
    res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    res.end(found.bytes);
  });

  return router;
}
