// The tile proxy behind /tiles/:z/:x/:y.png: map tiles fetched from the tile
// server the admin configured (PARVIS_MAP_TILES_URL), kept in a disk cache under
// the data directory, and served from our own origin, so that residents'
// browsers never contact the tile server (nor learn where they look).
//
// As OpenStreetMap's tile usage policy asks of any client: an identifying
// User-Agent, the upstream's cache headers honoured (7 days when it sends none),
// one upstream request per tile however many browsers ask for it at once, and
// a cache bounded in size (the oldest tiles are evicted first). The upstream is
// an admin's choice, so a private address is allowed (a tile server on the same
// network), but a redirect to another origin is never followed.
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BadGateway, DomainError } from "../../errors";
import { tileUrl, type TileCoordinates } from "./coordinates";

/** The tile server did not answer in time. */
export class GatewayTimeout extends DomainError {
  override readonly status = 504;
}

export interface Tile {
  bytes: Buffer;
  contentType: string;
  /** how long browsers may keep it, from the upstream's headers (seconds) */
  maxAgeS: number;
}

export interface TileProxyOptions {
  /** the upstream URL template, with {z}, {x} and {y} */
  template: string;
  /** where cached tiles are written */
  cacheDir: string;
  /** the cache's size limit in bytes; 0 keeps no tile on disk */
  maxBytes: number;
  userAgent: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface TileProxy {
  get(tile: TileCoordinates): Promise<Tile>;
  /** bytes the disk cache holds now (loads its index first) */
  cachedBytes(): Promise<number>;
}

/** Kept this long when the upstream sends no cache header (the policy's minimum). */
const DEFAULT_MAX_AGE_S = 7 * 86_400;
/** A tile larger than this is not a map tile. */
const MAX_TILE_BYTES = 2 * 1024 * 1024;
const MAX_REDIRECTS = 3;
const TILE_TYPES = new Set(["image/png", "image/jpeg", "image/webp"]);

interface Meta {
  contentType: string;
  /** epoch ms after which the tile is revalidated upstream */
  expiresAt: number;
  etag?: string;
  lastModified?: string;
}

interface Cached {
  meta: Meta;
  bytes: Buffer;
}

/** Seconds the upstream lets us keep its answer: Cache-Control max-age, else Expires, else the default; null for no-store. */
export function upstreamMaxAge(headers: Headers, nowMs: number): number | null {
  const cacheControl = (headers.get("cache-control") ?? "").toLowerCase();
  if (/(^|[,\s])(no-store|private)([,\s=]|$)/.test(cacheControl)) return null;
  if (/(^|[,\s])no-cache([,\s=]|$)/.test(cacheControl)) return 0;
  const maxAge = /(?:^|[,\s])(?:s-maxage|max-age)\s*=\s*"?(\d{1,10})/.exec(cacheControl);
  if (maxAge) return Number(maxAge[1]);
  const expires = headers.get("expires");
  if (expires) {
    const at = Date.parse(expires);
    return Number.isFinite(at) ? Math.max(0, Math.floor((at - nowMs) / 1000)) : 0;
  }
  return DEFAULT_MAX_AGE_S;
}

export function createTileProxy(options: TileProxyOptions): TileProxy {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const upstreamOrigin = new URL(tileUrl(options.template, { z: 0, x: 0, y: 0 })).origin;
  const inflight = new Map<string, Promise<Tile>>();

  // The cache's index: key → size, in the order tiles were written (oldest first).
  let index: Map<string, number> | null = null;
  let total = 0;
  let loading: Promise<Map<string, number>> | null = null;

  const fileOf = (key: string) => join(options.cacheDir, ...key.split("/")) + ".tile";

  async function loadIndex(): Promise<Map<string, number>> {
    if (index) return index;
    loading ??= (async () => {
      const found: { key: string; size: number; at: number }[] = [];
      const zs = await readdir(options.cacheDir).catch(() => [] as string[]);
      for (const z of zs) {
        for (const x of await readdir(join(options.cacheDir, z)).catch(() => [] as string[])) {
          for (const file of await readdir(join(options.cacheDir, z, x)).catch(() => [] as string[])) {
            if (!file.endsWith(".tile")) continue;
            const info = await stat(join(options.cacheDir, z, x, file)).catch(() => null);
            if (info) found.push({ key: `${z}/${x}/${file.slice(0, -5)}`, size: info.size, at: info.mtimeMs });
          }
        }
      }
      found.sort((a, b) => a.at - b.at);
      const map = new Map<string, number>();
      for (const f of found) map.set(f.key, f.size);
      total = found.reduce((sum, f) => sum + f.size, 0);
      index = map;
      return map;
    })();
    return loading;
  }

  async function readCached(key: string): Promise<Cached | null> {
    if (options.maxBytes === 0) return null;
    const raw = await readFile(fileOf(key)).catch(() => null);
    if (!raw) return null;
    const newline = raw.indexOf(0x0a);
    if (newline < 0) return null;
    try {
      const meta = JSON.parse(raw.subarray(0, newline).toString("utf8")) as Meta;
      if (typeof meta.contentType !== "string" || typeof meta.expiresAt !== "number") return null;
      return { meta, bytes: raw.subarray(newline + 1) };
    } catch {
      return null;
    }
  }

  async function writeCached(key: string, entry: Cached): Promise<void> {
    if (options.maxBytes === 0) return;
    const map = await loadIndex();
    const data = Buffer.concat([Buffer.from(JSON.stringify(entry.meta) + "\n", "utf8"), entry.bytes]);
    if (data.length > options.maxBytes) return;
    const file = fileOf(key);
    await mkdir(join(file, ".."), { recursive: true });
    // whole or nothing: readers never see half a tile
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, data);
    await rename(temporary, file);
    total -= map.get(key) ?? 0;
    map.delete(key);
    map.set(key, data.length);
    total += data.length;
    while (total > options.maxBytes) {
      const oldest = map.keys().next();
      if (oldest.done) break;
      total -= map.get(oldest.value) ?? 0;
      map.delete(oldest.value);
      await rm(fileOf(oldest.value), { force: true });
    }
  }

  /** GET without following redirects to another origin; the body read up to MAX_TILE_BYTES. */
  async function fetchUpstream(url: string, conditional: Cached | null): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const headers: Record<string, string> = { "user-agent": options.userAgent, accept: "image/png,image/webp,image/jpeg;q=0.9" };
    if (conditional?.meta.etag) headers["if-none-match"] = conditional.meta.etag;
    if (conditional?.meta.lastModified) headers["if-modified-since"] = conditional.meta.lastModified;
    const signal = AbortSignal.timeout(timeoutMs);
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        const response = await doFetch(current, { headers, redirect: "manual", signal });
        if (response.status >= 300 && response.status < 400 && response.status !== 304) {
          await response.body?.cancel().catch(() => undefined);
          const location = response.headers.get("location");
          const next = location ? new URL(location, current) : null;
          if (!next || next.origin !== upstreamOrigin || hop >= MAX_REDIRECTS) {
            throw new BadGateway("The tile server redirected elsewhere");
          }
          current = next.href;
          continue;
        }
        const declared = Number(response.headers.get("content-length") ?? "0");
        if (declared > MAX_TILE_BYTES) {
          await response.body?.cancel().catch(() => undefined);
          throw new BadGateway("The tile server sent too large a tile");
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const reader = response.body?.getReader();
        while (reader) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.length;
          if (size > MAX_TILE_BYTES) {
            await reader.cancel().catch(() => undefined);
            throw new BadGateway("The tile server sent too large a tile");
          }
          chunks.push(Buffer.from(value));
        }
        return { status: response.status, headers: response.headers, bytes: Buffer.concat(chunks) };
      }
    } catch (err) {
      if (err instanceof DomainError) throw err;
      if (signal.aborted) throw new GatewayTimeout("The tile server did not answer in time");
      throw new BadGateway("The tile server could not be reached");
    }
  }

  const served = (entry: Cached): Tile => ({
    bytes: entry.bytes,
    contentType: entry.meta.contentType,
    maxAgeS: Math.max(0, Math.floor((entry.meta.expiresAt - now()) / 1000)),
  });

  async function load(tile: TileCoordinates, key: string): Promise<Tile> {
    const cached = await readCached(key);
    if (cached && cached.meta.expiresAt > now()) return served(cached);
    try {
      return await refresh(tile, key, cached);
    } catch (err) {
      // the tile server is down or answers nonsense: a tile past its date is better than none
      if (cached) return { ...served(cached), maxAgeS: 0 };
      throw err;
    }
  }

  async function refresh(tile: TileCoordinates, key: string, cached: Cached | null): Promise<Tile> {
    const answer = await fetchUpstream(tileUrl(options.template, tile), cached);
    const maxAge = upstreamMaxAge(answer.headers, now());
    if (answer.status === 304 && cached) {
      const refreshed = { meta: { ...cached.meta, expiresAt: now() + (maxAge ?? 0) * 1000 }, bytes: cached.bytes };
      if (maxAge !== null) await writeCached(key, refreshed).catch(() => undefined);
      return served(refreshed);
    }
    if (answer.status === 404) throw new BadGateway("The tile server has no such tile");
    if (answer.status !== 200) throw new BadGateway(`The tile server answered ${answer.status}`);
    const contentType = (answer.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (!TILE_TYPES.has(contentType) || answer.bytes.length === 0) throw new BadGateway("The tile server did not send an image");
    const etag = answer.headers.get("etag");
    const lastModified = answer.headers.get("last-modified");
    const entry: Cached = {
      meta: {
        contentType,
        expiresAt: now() + (maxAge ?? 0) * 1000,
        ...(etag ? { etag } : {}),
        ...(lastModified ? { lastModified } : {}),
      },
      bytes: answer.bytes,
    };
    // a full disk costs the cache, never the answer
    if (maxAge !== null) await writeCached(key, entry).catch(() => undefined);
    return served(entry);
  }

  return {
    get(tile) {
      const key = `${tile.z}/${tile.x}/${tile.y}`;
      const pending = inflight.get(key);
      if (pending) return pending;
      const running = load(tile, key).finally(() => inflight.delete(key));
      inflight.set(key, running);
      return running;
    },
    async cachedBytes() {
      await loadIndex();
      return total;
    },
  };
}
