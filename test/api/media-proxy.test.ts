// Remote media served from our origin (ADR 0022): /media_proxy/:kind/:id/:variant
// fetches a remote post's image, a remote avatar or header once, through the
// SSRF-guarded fetch, re-encodes it (metadata gone), keeps it in the media store
// and serves it; the cache is evicted by age and size and fetched again on demand.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import sharp from "sharp";
import supertest from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { federationModule } from "../../federation/module";
import { remoteMediaCache } from "../../server/db/schema";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { evictRemoteMediaCache, mediaDir } from "../../server/domain/media";
import { storeRemoteStatus } from "../../server/domain/statuses";
import type { DomainContext } from "../../server/domain/context";
import { countRows } from "../helpers/api";
import { FAST_FEDERATION } from "../federation/support/instance";
import { createMedia } from "../helpers/api";
import { createResident } from "../helpers/factories";
import { startInstance, type TestInstance } from "../helpers/instance";

const MAX_REMOTE_BYTES = 200_000;

/** A photo as a phone makes it: EXIF with a GPS position and the author's name, and XMP. */
async function phoneJpeg(shade = 0): Promise<Buffer> {
  const pixels = Buffer.alloc(60 * 40 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + shade) % 251;
  return sharp(pixels, { raw: { width: 60, height: 40, channels: 3 } })
    .withExif({
      IFD0: { Make: "PhoneMaker", Artist: "Alice Martin" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "45/1 10/1 30/1", GPSLongitudeRef: "E", GPSLongitude: "5/1 43/1 20/1" },
    })
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
    .jpeg()
    .toBuffer();
}

/** The fake remote server: images, a too-large file, a page, a failing path; counts requests per path. */
const hits = new Map<string, number>();
let remote: Server;
let remoteBase: string;
const files = new Map<string, { type: string; body: Buffer; delayMs?: number; status?: number }>();

let t: TestInstance;
let strict: TestInstance;

beforeAll(async () => {
  files.set("/photo.jpg", { type: "image/jpeg", body: await phoneJpeg() });
  files.set("/slow.jpg", { type: "image/jpeg", body: await phoneJpeg(7), delayMs: 300 });
  files.set("/a.jpg", { type: "image/jpeg", body: await phoneJpeg(1) });
  files.set("/b.jpg", { type: "image/jpeg", body: await phoneJpeg(2) });
  files.set("/c.jpg", { type: "image/jpeg", body: await phoneJpeg(3) });
  // an animated GIF avatar: its static version is a still WebP
  const frame = (c: string) => sharp({ create: { width: 20, height: 20, channels: 3, background: c } }).png().toBuffer();
  files.set(
    "/avatar.gif",
    { type: "image/gif", body: await sharp([await frame("#ff0000"), await frame("#0000ff")], { join: { animated: true } }).gif().toBuffer() },
  );
  files.set("/header.png", { type: "image/png", body: await sharp({ create: { width: 90, height: 30, channels: 3, background: "#339966" } }).png().toBuffer() });
  // a JPEG's first bytes, then more than the limit: refused while reading
  files.set("/huge.jpg", { type: "image/jpeg", body: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(MAX_REMOTE_BYTES + 10)]) });
  files.set("/page.jpg", { type: "image/jpeg", body: Buffer.from("<html><body>not an image at all, whatever its name</body></html>") });
  files.set("/broken.png", { type: "image/png", body: (await frame("#123456")).subarray(0, 40) });
  files.set("/down.jpg", { type: "text/plain", body: Buffer.from("oops"), status: 500 });
  // video and sound: an MP4 (ISO-BMFF "ftyp isom" box, then data), an MP3 (ID3 tag), a page named .mp4, a PDF
  files.set("/clip.mp4", { type: "video/mp4", body: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypisom"), Buffer.alloc(4), Buffer.from("isommp41"), Buffer.alloc(5000, 7)]) });
  files.set("/song.mp3", { type: "audio/mpeg", body: Buffer.concat([Buffer.from("ID3"), Buffer.from([4, 0, 0, 0, 0, 0, 0]), Buffer.alloc(3000, 1)]) });
  files.set("/trap.mp4", { type: "video/mp4", body: Buffer.from("<html><script>alert(1)</script> served as a video</html>") });
  files.set("/report.pdf", { type: "application/pdf", body: Buffer.from("%PDF-1.4\n%%EOF\n") });
  remote = createServer((req, res) => {
    const path = req.url ?? "/";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const f = files.get(path);
    if (!f) return res.writeHead(404).end();
    setTimeout(() => res.writeHead(f.status ?? 200, { "content-type": f.type }).end(f.body), f.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => remote.listen(0, "127.0.0.1", resolve));
  remoteBase = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
  const env = { PARVIS_MEDIA_PROXY_MAX_BYTES: String(MAX_REMOTE_BYTES) };
  t = await startInstance({ env, modules: () => [federationModule(FAST_FEDERATION)] });
  // as in production: private addresses (our loopback fake server) are refused
  strict = await startInstance({ env: { ...env, PARVIS_ALLOW_PRIVATE_ADDRESS: "false" }, modules: () => [federationModule(FAST_FEDERATION)] });
});

afterAll(async () => {
  await t?.stop();
  await strict?.stop();
  await new Promise((resolve) => remote?.close(resolve));
});

beforeEach(async () => {
  await t.reset();
  await strict.reset();
  for (const x of [t, strict]) rmSync(mediaDir(x.services.domain), { recursive: true, force: true });
  hits.clear();
});

const cacheDir = (x: TestInstance) => join(mediaDir(x.services.domain), "cache");
const cachedFiles = (x: TestInstance) => (existsSync(cacheDir(x)) ? readdirSync(cacheDir(x)) : []);

async function remoteAuthor(x: TestInstance, images: { avatar?: string; header?: string } = {}) {
  return upsertRemoteAccount(x.services.domain, {
    uri: `${remoteBase}/users/bob`,
    username: "bob",
    domain: new URL(remoteBase).host,
    inboxUrl: `${remoteBase}/users/bob/inbox`,
    avatarUrl: images.avatar ? remoteBase + images.avatar : null,
    headerUrl: images.header ? remoteBase + images.header : null,
  });
}

/** A public remote post with one attachment (an image unless told) at `path` on the fake server; returns its attachment's id. */
async function remotePostWith(x: TestInstance, path: string, n = 1, mediaType = "image/jpeg"): Promise<{ statusId: string; mediaId: string }> {
  const author = await remoteAuthor(x);
  const status = await storeRemoteStatus(x.services.domain, {
    uri: `${remoteBase}/notes/${n}-${path.slice(1)}`,
    authorId: author.id,
    content: "<p>Regardez</p>",
    visibility: "public",
    attachments: [{ url: remoteBase + path, mediaType, description: "a photo" }],
  });
  const res = await x.http.get(`/api/v1/statuses/${status.id}`).expect(200);
  return { statusId: status.id, mediaId: res.body.media_attachments[0].id };
}

/** Reads a whole binary response. */
const binary = (r: supertest.Test) =>
  r.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => done(null, Buffer.concat(chunks)));
  });

describe("remote attachments", () => {
  it("are given to clients as URLs of our origin, served re-encoded with their metadata gone", async () => {
    const { statusId, mediaId } = await remotePostWith(t, "/photo.jpg");
    const { body } = await t.http.get(`/api/v1/statuses/${statusId}`).expect(200);
    const media = body.media_attachments[0];
    expect(media.url).toBe(`${t.config.origin}/media_proxy/attachments/${mediaId}/original`);
    expect(media.preview_url).toBe(`${t.config.origin}/media_proxy/attachments/${mediaId}/small`);
    expect(media.remote_url).toBe(`${remoteBase}/photo.jpg`);
    expect(hits.get("/photo.jpg") ?? 0).toBe(0); // nothing fetched before a browser asks

    const original = await binary(t.http.get(new URL(media.url).pathname)).expect(200);
    expect(original.headers["content-type"]).toBe("image/jpeg");
    expect(original.headers["cache-control"]).toMatch(/^public, max-age=\d+/);
    expect(original.headers["content-security-policy"]).toContain("sandbox");
    const meta = await sharp(original.body as Buffer).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect((original.body as Buffer).includes(Buffer.from("Alice Martin"))).toBe(false);

    const small = await binary(t.http.get(new URL(media.preview_url).pathname)).expect(200);
    expect(small.headers["content-type"]).toBe("image/webp");
    expect((await sharp(small.body as Buffer).metadata()).format).toBe("webp");

    // fetched once, kept: a second request reads the cache
    await t.http.get(new URL(media.url).pathname).expect(200);
    expect(hits.get("/photo.jpg")).toBe(1);
    const [row] = await t.services.db.select().from(remoteMediaCache).where(eq(remoteMediaCache.remoteUrl, `${remoteBase}/photo.jpg`));
    expect(row.size).toBeGreaterThan(0);
    expect(cachedFiles(t).sort()).toEqual([row.originalKey.slice(6), row.smallKey.slice(6)].sort());
  });

  it("fetch once for concurrent first requests", async () => {
    const { mediaId } = await remotePostWith(t, "/slow.jpg");
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.http.get(`/media_proxy/attachments/${mediaId}/original`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(hits.get("/slow.jpg")).toBe(1);
    expect(await countRows(t, "remote_media_cache")).toBe(1);
  });

  it("refuse a too-large file, a non-image, a corrupt image and a failing server with a clear 502, keeping nothing", async () => {
    for (const [path, error] of [
      ["/huge.jpg", /too large/],
      ["/page.jpg", /not a supported image/],
      ["/broken.png", /refused|could not be read/],
      ["/down.jpg", /HTTP 500/],
    ] as const) {
      const { mediaId } = await remotePostWith(t, path);
      const res = await t.http.get(`/media_proxy/attachments/${mediaId}/original`).expect(502);
      expect(res.body.error).toMatch(error);
    }
    expect(await countRows(t, "remote_media_cache")).toBe(0);
    expect(cachedFiles(t)).toEqual([]);
  });

  it("are not fetched from private addresses when those are not allowed (SSRF)", async () => {
    const { statusId, mediaId } = await remotePostWith(strict, "/photo.jpg");
    const res = await strict.http.get(`/media_proxy/attachments/${mediaId}/original`).expect(403);
    expect(res.body.error).toMatch(/private address/);
    expect(hits.get("/photo.jpg") ?? 0).toBe(0);
    expect(await countRows(strict, "remote_media_cache")).toBe(0);
    expect(cachedFiles(strict)).toEqual([]);
    // the entity still never names the remote server as url
    const { body } = await strict.http.get(`/api/v1/statuses/${statusId}`).expect(200);
    expect(body.media_attachments[0].url.startsWith(strict.config.origin)).toBe(true);
  });

  it("answer 404 to unknown ids, kinds and variants, and to local media", async () => {
    const { mediaId } = await remotePostWith(t, "/photo.jpg");
    const alice = await createResident(t);
    const local = await createMedia(t, alice);
    for (const path of [
      `/media_proxy/attachments/999999999/original`,
      `/media_proxy/attachments/${mediaId}/large`,
      `/media_proxy/statuses/${mediaId}/original`,
      `/media_proxy/attachments/abc/original`,
      `/media_proxy/attachments/${"9".repeat(40)}/original`,
      `/media_proxy/attachments/${local.id}/original`,
      `/media_proxy/avatars/${alice.account.id}/original`,
      `/media_proxy/attachments/${mediaId}/..%2F..%2Fsecret`,
      `/media/..%2Fsecret`,
      `/media/cache%2Fx.jpg`,
      `/media/.tmp-x`,
    ]) {
      const res = await t.http.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error, path).toBeTruthy();
    }
    expect(hits.size).toBe(0);
  });
});

describe("remote video and sound", () => {
  it("are served from our origin as they came, once their bytes are what the post says, with byte ranges", async () => {
    const { statusId, mediaId } = await remotePostWith(t, "/clip.mp4", 1, "video/mp4");
    const { body } = await t.http.get(`/api/v1/statuses/${statusId}`).expect(200);
    const media = body.media_attachments[0];
    expect(media.type).toBe("video");
    expect(media.url).toBe(`${t.config.origin}/media_proxy/attachments/${mediaId}/original`);
    expect(media.preview_url).toBeNull();
    expect(media.remote_url).toBe(`${remoteBase}/clip.mp4`);

    const whole = await binary(t.http.get(`/media_proxy/attachments/${mediaId}/original`)).expect(200);
    expect(whole.headers["content-type"]).toBe("video/mp4");
    expect(whole.headers["accept-ranges"]).toBe("bytes");
    expect(Buffer.compare(whole.body as Buffer, files.get("/clip.mp4")!.body)).toBe(0);
    // a browser seeking in the video
    const part = await binary(t.http.get(`/media_proxy/attachments/${mediaId}/original`).set("Range", "bytes=10-19")).expect(206);
    expect(part.headers["content-range"]).toBe(`bytes 10-19/${files.get("/clip.mp4")!.body.length}`);
    expect(Buffer.compare(part.body as Buffer, files.get("/clip.mp4")!.body.subarray(10, 20))).toBe(0);
    const tail = await binary(t.http.get(`/media_proxy/attachments/${mediaId}/small`).set("Range", "bytes=-4")).expect(206);
    expect((tail.body as Buffer).length).toBe(4);
    await t.http.get(`/media_proxy/attachments/${mediaId}/original`).set("Range", "bytes=999999-").expect(416);
    // fetched once, one file kept (no thumbnail of a video)
    expect(hits.get("/clip.mp4")).toBe(1);
    expect(cachedFiles(t)).toHaveLength(1);

    const song = await remotePostWith(t, "/song.mp3", 2, "audio/mpeg");
    const sound = await binary(t.http.get(`/media_proxy/attachments/${song.mediaId}/original`)).expect(200);
    expect(sound.headers["content-type"]).toBe("audio/mpeg");
  });

  it("refuse a page served as a video, keeping nothing; a remote document keeps its link", async () => {
    const { mediaId } = await remotePostWith(t, "/trap.mp4", 1, "video/mp4");
    const res = await t.http.get(`/media_proxy/attachments/${mediaId}/original`).expect(502);
    expect(res.body.error).toMatch(/not a supported video/);
    expect(await countRows(t, "remote_media_cache")).toBe(0);
    expect(cachedFiles(t)).toEqual([]);

    const doc = await remotePostWith(t, "/report.pdf", 2, "application/pdf");
    const { body } = await t.http.get(`/api/v1/statuses/${doc.statusId}`).expect(200);
    expect(body.media_attachments[0].type).toBe("unknown");
    expect(body.media_attachments[0].url).toBe(`${remoteBase}/report.pdf`);
    await t.http.get(`/media_proxy/attachments/${doc.mediaId}/original`).expect(404);
  });

  it("evicting a cached video removes its one file", async () => {
    const { mediaId } = await remotePostWith(t, "/clip.mp4", 1, "video/mp4");
    await t.http.get(`/media_proxy/attachments/${mediaId}/original`).expect(200);
    expect(cachedFiles(t)).toHaveLength(1);
    await t.services.db.execute(sql`update remote_media_cache set fetched_at = now() - interval '31 days'`);
    expect(await evictRemoteMediaCache(t.services.domain)).toBe(1);
    expect(cachedFiles(t)).toEqual([]);
  });
});

describe("local files", () => {
  it("answer byte ranges too", async () => {
    const alice = await createResident(t);
    const local = await createMedia(t, alice);
    const path = `/media/${local.fileName}`;
    const whole = await binary(t.http.get(path)).expect(200);
    const size = (whole.body as Buffer).length;
    const part = await binary(t.http.get(path).set("Range", "bytes=0-9")).expect(206);
    expect(part.headers["content-range"]).toBe(`bytes 0-9/${size}`);
    expect(Buffer.compare(part.body as Buffer, (whole.body as Buffer).subarray(0, 10))).toBe(0);
    // nonsense or several ranges: the whole file
    for (const range of ["bytes=9-2", "items=0-1", "bytes=0-1,4-5", "bytes=abc"]) {
      const res = await binary(t.http.get(path).set("Range", range)).expect(200);
      expect((res.body as Buffer).length, range).toBe(size);
    }
    await t.http.get(path).set("Range", `bytes=${size}-`).expect(416);
  });
});

describe("remote avatars and headers", () => {
  it("are served from our origin; the static avatar is a still image", async () => {
    const bob = await remoteAuthor(t, { avatar: "/avatar.gif", header: "/header.png" });
    const { body } = await t.http.get(`/api/v1/accounts/${bob.id}`).expect(200);
    expect(body.avatar).toBe(`${t.config.origin}/media_proxy/avatars/${bob.id}/original`);
    expect(body.avatar_static).toBe(`${t.config.origin}/media_proxy/avatars/${bob.id}/small`);
    expect(body.header).toBe(`${t.config.origin}/media_proxy/headers/${bob.id}/original`);
    expect(body.header_static).toBe(`${t.config.origin}/media_proxy/headers/${bob.id}/small`);

    const avatar = await binary(t.http.get(new URL(body.avatar).pathname)).expect(200);
    expect(avatar.headers["content-type"]).toBe("image/gif");
    expect((await sharp(avatar.body as Buffer).metadata()).pages).toBe(2);
    const still = await binary(t.http.get(new URL(body.avatar_static).pathname)).expect(200);
    const stillMeta = await sharp(still.body as Buffer).metadata();
    expect(stillMeta.format).toBe("webp");
    expect(stillMeta.pages ?? 1).toBe(1);
    const header = await binary(t.http.get(new URL(body.header).pathname)).expect(200);
    expect(header.headers["content-type"]).toBe("image/png");
    expect(hits.get("/avatar.gif")).toBe(1);
  });

  it("a remote account without images has the default ones, and local avatars stay under /media", async () => {
    const bob = await remoteAuthor(t);
    const { body } = await t.http.get(`/api/v1/accounts/${bob.id}`).expect(200);
    expect(body.avatar).toBe(`${t.config.origin}/avatars/original/missing.png`);
    await t.http.get(`/media_proxy/avatars/${bob.id}/original`).expect(404);
    await t.http.get(`/media_proxy/headers/${bob.id}/original`).expect(404);
  });
});

describe("cache eviction", () => {
  const withCache = (x: TestInstance, cache: Partial<DomainContext["config"]["media"]["cache"]>): DomainContext => {
    const config = x.services.config;
    return { ...x.services.domain, config: { ...config, media: { ...config.media, cache: { ...config.media.cache, ...cache } } } };
  };

  it("by age removes rows and files, and a later request fetches the file again", async () => {
    const { mediaId } = await remotePostWith(t, "/photo.jpg");
    await t.http.get(`/media_proxy/attachments/${mediaId}/original`).expect(200);
    expect(cachedFiles(t)).toHaveLength(2);
    // nothing is old yet
    expect(await evictRemoteMediaCache(t.services.domain)).toBe(0);
    await t.services.db.execute(sql`update remote_media_cache set fetched_at = now() - interval '31 days'`);
    expect(await evictRemoteMediaCache(t.services.domain)).toBe(1);
    expect(await countRows(t, "remote_media_cache")).toBe(0);
    expect(cachedFiles(t)).toEqual([]);

    const again = await binary(t.http.get(`/media_proxy/attachments/${mediaId}/original`)).expect(200);
    expect((await sharp(again.body as Buffer).metadata()).exif).toBeUndefined();
    expect(hits.get("/photo.jpg")).toBe(2);
    expect(await countRows(t, "remote_media_cache")).toBe(1);
  });

  it("by total size removes the least recently used first", async () => {
    const ids: string[] = [];
    for (const [i, path] of ["/a.jpg", "/b.jpg", "/c.jpg"].entries()) {
      const { mediaId } = await remotePostWith(t, path, i);
      await t.http.get(`/media_proxy/attachments/${mediaId}/original`).expect(200);
      ids.push(mediaId);
      // /a.jpg used longest ago, /c.jpg last
      await t.services.db.execute(sql`update remote_media_cache set last_used_at = now() - make_interval(hours => ${10 - i}) where remote_url = ${remoteBase + path}`);
    }
    const rows = await t.services.db.select().from(remoteMediaCache);
    const sizeOf = (p: string) => rows.find((r) => r.remoteUrl === remoteBase + p)!.size;
    // room for the two most recently used
    const evicted = await evictRemoteMediaCache(withCache(t, { maxBytes: sizeOf("/b.jpg") + sizeOf("/c.jpg") }));
    expect(evicted).toBe(1);
    const left = (await t.services.db.select().from(remoteMediaCache)).map((r) => r.remoteUrl).sort();
    expect(left).toEqual([remoteBase + "/b.jpg", remoteBase + "/c.jpg"]);
    expect(cachedFiles(t)).toHaveLength(4);
    // a file lost from the store (evicted elsewhere, deleted by hand) is fetched again
    const lost = rows.find((r) => r.remoteUrl === remoteBase + "/c.jpg")!;
    await t.services.domain.mediaStore!.delete(lost.originalKey);
    await t.http.get(`/media_proxy/attachments/${ids[2]}/original`).expect(200);
    expect(hits.get("/c.jpg")).toBe(2);
    // no limits: nothing evicted
    expect(await evictRemoteMediaCache(withCache(t, { maxBytes: 0, maxAgeMs: 0 }))).toBe(0);
  });
});
