// Open data: the public observations as GeoJSON (RFC 7946) and CSV (RFC 4180),
// readable by anyone from any origin, with validators for conditional GETs;
// and the admin's import of an OpenStreetMap extract as observations.
// Mounted before the observations router: its /api/parvis/observations/:id
// must not take "observations.geojson" for an id.
import { Router, type Request, type Response } from "express";
import multer from "multer";
import { requireRole } from "../auth/middleware";
import { z } from "zod";
import {
  CSV_TAG_KEYS,
  notModified,
  OPEN_DATA_DEFAULT_LIMIT,
  OPEN_DATA_MAX_LIMIT,
  openDataTerms,
  pageValidators,
  parseBoundingBox,
  publicObservationsPage,
  type OpenDataFilter,
  type OpenDataPage,
  type OpenDataTerms,
  importOsmExtract,
  MAX_IMPORT_BYTES,
} from "../domain/open-data";
import { serializeImportReport, toCsv, toFeatureCollection } from "../entities/open-data";
import { Invalid } from "../errors";
import { isObservationKind } from "../domain/observations";
import type { Services } from "../services";
import { idSchema, multipart, parseQuery, setPageLinks } from "./http";

const querySchema = z
  .object({
    bbox: z.string().max(200).optional(),
    kind: z.string().max(20).optional(),
    limit: z.string().max(10).optional(),
    max_id: idSchema.optional(),
  })
  .passthrough();

function filterOf(req: Request): OpenDataFilter {
  const q = parseQuery(querySchema, req);
  const filter: OpenDataFilter = { limit: OPEN_DATA_DEFAULT_LIMIT };
  if (q.bbox !== undefined) {
    const bbox = parseBoundingBox(q.bbox);
    if (!bbox) throw new Invalid("Invalid parameter: bbox must be minLon,minLat,maxLon,maxLat in degrees");
    filter.bbox = bbox;
  }
  if (q.kind !== undefined && q.kind !== "") {
    if (!isObservationKind(q.kind)) throw new Invalid("Invalid parameter: kind must be camera or issue");
    filter.kind = q.kind;
  }
  if (q.limit !== undefined) {
    if (!/^\d{1,7}$/.test(q.limit) || Number(q.limit) < 1) throw new Invalid(`Invalid parameter: limit must be an integer from 1 to ${OPEN_DATA_MAX_LIMIT}`);
    filter.limit = Math.min(Number(q.limit), OPEN_DATA_MAX_LIMIT);
  }
  if (q.max_id !== undefined) filter.maxId = q.max_id;
  return filter;
}

/** Public data: any site may read it, and see the headers that page and validate it. */
function openCors(res: Response): void {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since");
  res.setHeader("Access-Control-Expose-Headers", "Link, ETag, Last-Modified, X-Parvis-License");
}

export function openDataRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;

  /** Reads the page; answers 304 when the client's copy is current, else calls `send`. */
  const serve =
    (format: string, send: (res: Response, page: OpenDataPage, terms: OpenDataTerms) => void) =>
    async (req: Request, res: Response) => {
      openCors(res);
      const filter = filterOf(req);
      const [page, terms] = await Promise.all([publicObservationsPage(ctx, filter), openDataTerms(ctx)]);
      const validators = pageValidators(page, terms, format);
      res.setHeader("ETag", validators.etag);
      if (validators.lastModified) res.setHeader("Last-Modified", validators.lastModified.toUTCString());
      res.setHeader("Cache-Control", "public, max-age=60");
      res.setHeader("Vary", "Origin");
      res.setHeader("X-Parvis-License", terms.license);
      setPageLinks(req, res, { next: page.next ?? undefined });
      if (notModified(validators, req.get("if-none-match"), req.get("if-modified-since"))) {
        res.status(304).end();
        return;
      }
      send(res, page, terms);
    };

  router.get(
    "/api/parvis/observations.geojson",
    serve("geojson", (res, page, terms) => {
      res.type("application/geo+json").send(JSON.stringify(toFeatureCollection(page.items, terms)));
    }),
  );

  router.get(
    "/api/parvis/observations.csv",
    serve("csv", (res, page) => {
      res.setHeader("Content-Type", "text/csv; charset=utf-8; header=present");
      res.setHeader("Content-Disposition", 'inline; filename="observations.csv"');
      res.send(toCsv(page.items, CSV_TAG_KEYS));
    }),
  );

  // an admin imports an OpenStreetMap extract (multipart field "file")
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 0 } });
  router.post("/api/parvis/admin/observations/import", requireRole("admin"), multipart(upload.single("file")), async (req, res) => {
    if (!req.file) throw new Invalid("Validation failed: file (an .osm or GeoJSON extract) can't be blank");
    const report = await importOsmExtract(ctx, req.file.buffer);
    services.logger.info({ created: report.created, updated: report.updated, unchanged: report.unchanged, skipped: report.skipped }, "OpenStreetMap extract imported");
    res.json(serializeImportReport(report));
  });

  return router;
}
