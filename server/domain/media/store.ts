// Where media files live, behind one interface (MediaStore, declared in
// ../context.ts): the data directory by default, an S3-compatible bucket when
// PARVIS_MEDIA_STORE=s3 (./s3.ts). Callers name files by keys, never by paths.
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Config } from "../../config";
import type { ByteRange, DomainContext, MediaStore, StoredFile } from "../context";
import { checkKey } from "./keys";
import { S3MediaStore } from "./s3";

export { isMediaKey } from "./keys";

export type { ByteRange, MediaStore, StoredFile };

/**
 * A range asked for (HTTP `Range: bytes=…`) made concrete for a file of
 * `total` bytes: inclusive offsets, or null when it lies wholly past the end.
 * `end` null is "to the end"; `suffix` is "the last n bytes".
 */
export function clampRange(range: ByteRange, total: number): { start: number; end: number } | null {
  if ("suffix" in range) {
    if (range.suffix <= 0 || total === 0) return null;
    return { start: Math.max(0, total - range.suffix), end: total - 1 };
  }
  if (range.start >= total) return null;
  const end = range.end === null ? total - 1 : Math.min(range.end, total - 1);
  return end < range.start ? null : { start: range.start, end };
}

const TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  pdf: "application/pdf",
  // remote video and audio, proxied as they are (remote-cache.ts)
  mp4: "video/mp4",
  webm: "video/webm",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  flac: "audio/flac",
  wav: "audio/wav",
  mp3: "audio/mpeg",
};

/** The Content-Type of a stored file, from its key's extension (we chose it from the bytes). */
export function contentTypeOfKey(key: string): string {
  return TYPES[key.slice(key.lastIndexOf(".") + 1)] ?? "application/octet-stream";
}

/** Files under a directory (the data dir's media folder): today's layout, so existing files keep working. */
export class FsMediaStore implements MediaStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  private path(key: string): string {
    return join(this.dir, checkKey(key));
  }

  // the type is told by the key's extension when read back (contentTypeOfKey)
  async put(key: string, bytes: Buffer, _contentType?: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    // a temporary name first, renamed into place: never a half-written file under its key
    const temp = join(dirname(target), `.tmp-${randomBytes(8).toString("hex")}`);
    try {
      await writeFile(temp, bytes, { mode: 0o644, flag: "wx" });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string, range?: ByteRange): Promise<StoredFile | null> {
    const path = this.path(key);
    const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT" || e.code === "ENOTDIR") return null;
      throw e;
    });
    if (!info?.isFile()) return null;
    const part = range ? clampRange(range, info.size) : null;
    if (range && !part) return { stream: null, size: 0, totalSize: info.size, contentType: contentTypeOfKey(key), unsatisfiable: true };
    if (part) {
      return {
        stream: createReadStream(path, { start: part.start, end: part.end }),
        size: part.end - part.start + 1,
        totalSize: info.size,
        range: part,
        contentType: contentTypeOfKey(key),
      };
    }
    return { stream: createReadStream(path), size: info.size, totalSize: info.size, contentType: contentTypeOfKey(key) };
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    const info = await stat(this.path(key)).catch(() => null);
    return Boolean(info?.isFile());
  }
}

/** The store the settings choose (built once per instance, in server/instance.ts). */
export function createMediaStore(config: Config): MediaStore {
  const s = config.media.store;
  if (s.kind === "s3") return new S3MediaStore(s);
  return new FsMediaStore(join(config.dataDir, "media"));
}

const fallback = new WeakMap<Config, MediaStore>();

/** The context's store; the data directory when the context was built without one (scripts, tests). */
export function storeOf(ctx: DomainContext): MediaStore {
  if (ctx.mediaStore) return ctx.mediaStore;
  let store = fallback.get(ctx.config);
  if (!store) fallback.set(ctx.config, (store = createMediaStore(ctx.config)));
  return store;
}
