// Media files from our own origin: /media/:name (local uploads, avatars and
// headers, from the media store) and /media_proxy/:kind/:id/:variant (remote
// images fetched, re-encoded and cached on first request; remote video and
// audio checked and cached as they are: ADR 0022). Both answer byte ranges. Public
// like Mastodon's files: browsers load images without tokens.
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { Router, type Response } from "express";
import {
  contentTypeOfKey,
  isMediaKey,
  openRemoteMedia,
  REMOTE_MEDIA_KINDS,
  REMOTE_MEDIA_VARIANTS,
  storeOf,
  type RemoteMediaKind,
  type ByteRange,
  type RemoteMediaVariant,
  type StoredFile,
} from "../domain/media";
import { NotFound } from "../errors";
import { isId } from "../ids";
import type { Services } from "../services";

/** Proxied files can change at their origin (a new avatar at the same URL): a day, not forever. */
const PROXY_MAX_AGE_S = 86_400;

/**
 * One byte range of `Range: bytes=…` (what browsers send to play or seek a
 * video); several ranges, other units or nonsense: the whole file (RFC 9110
 * lets a server ignore Range).
 */
export function parseRange(header: string | undefined): ByteRange | undefined {
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header?.trim() ?? "");
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") return { suffix: Number(m[2]) };
  const start = Number(m[1]);
  const end = m[2] === "" ? null : Number(m[2]);
  return end !== null && end < start ? undefined : { start, end };
}

async function send(res: Response, file: StoredFile & { contentType: string }, cacheControl: string) {
  res.setHeader("Content-Type", file.contentType);
  res.setHeader("Accept-Ranges", "bytes");
  res.setHeader("Cache-Control", cacheControl);
  res.setHeader("X-Content-Type-Options", "nosniff");
  // a file is never a page: nothing in it runs, even opened directly
  res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
  if (file.unsatisfiable) {
    res.status(416).setHeader("Content-Range", `bytes */${file.totalSize}`);
    res.end();
    return;
  }
  if (file.range) {
    res.status(206).setHeader("Content-Range", `bytes ${file.range.start}-${file.range.end}/${file.totalSize ?? "*"}`);
  }
  if (file.size !== null) res.setHeader("Content-Length", String(file.size));
  // headers are sent: a failure from here on can only cut the connection
  await pipeline(file.stream as Readable, res).catch(() => res.destroy());
}

export function mediaFilesRouter(services: Services): Router {
  const router = Router();
  const ctx = services.domain;

  router.get("/media/:name", async (req, res) => {
    const name = String(req.params.name);
    // one segment only: the cache's keys (cache/…) are reached through /media_proxy
    if (!isMediaKey(name) || name.includes("/")) throw new NotFound();
    const file = await storeOf(ctx).get(name, parseRange(req.get("range")));
    if (!file) throw new NotFound();
    await send(res, { ...file, contentType: contentTypeOfKey(name) }, "public, max-age=31536000, immutable");
  });

  router.get("/media_proxy/:kind/:id/:variant", async (req, res) => {
    const { kind, id, variant } = req.params as Record<string, string>;
    if (!REMOTE_MEDIA_KINDS.includes(kind as RemoteMediaKind) || !REMOTE_MEDIA_VARIANTS.includes(variant as RemoteMediaVariant) || !isId(id)) {
      throw new NotFound();
    }
    const file = await openRemoteMedia(ctx, kind as RemoteMediaKind, id, variant as RemoteMediaVariant, parseRange(req.get("range")));
    await send(res, file, `public, max-age=${PROXY_MAX_AGE_S}`);
  });
  return router;
}
