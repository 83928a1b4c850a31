// POST /api/v1|v2/media, GET/PUT /api/v1/media/:id: type from the bytes,
// images re-encoded without metadata, limits, focus, documents.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import sharp from "sharp";
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { mediaAttachments } from "../../server/db/schema";
import { issueToken } from "../../server/auth/tokens";
import { mediaDir } from "../../server/domain/media";
import { countRows } from "../helpers/api";
import { createResident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((instance) => (t = instance), { env: { PARVIS_MEDIA_MAX_DOCUMENT_BYTES: "8192", PARVIS_MEDIA_MAX_DIMENSION: "1000" } });
beforeEach(async () => {
  rmSync(mediaDir(t.services.domain), { recursive: true, force: true });
});

const dir = () => mediaDir(t.services.domain);
const filesOnDisk = (): string[] => {
  try {
    return readdirSync(dir());
  } catch {
    return [];
  }
};
const stored = (url: string) => join(dir(), url.split("/media/")[1]);

/** A photo as a phone would make it: EXIF with GPS position, camera and author. */
async function phoneJpeg(orientation?: number): Promise<Buffer> {
  const noise = Buffer.alloc(60 * 40 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 37) % 251;
  let img = sharp(noise, { raw: { width: 60, height: 40, channels: 3 } }).withExif({
    IFD0: { Make: "PhoneMaker", Model: "SecretPhone 12", Artist: "Alice Martin" },
    IFD3: { GPSLatitudeRef: "N", GPSLatitude: "45/1 10/1 30/1", GPSLongitudeRef: "E", GPSLongitude: "5/1 43/1 20/1" },
  });
  if (orientation) img = img.withMetadata({ orientation });
  img = img.withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Alice Martin home</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>');
  return img.jpeg().toBuffer();
}

const png = (width = 8, height = 6) => sharp({ create: { width, height, channels: 3, background: "#3366cc" } }).png().toBuffer();

/** A valid 1×1 PNG whose header then claims huge dimensions (CRC fixed up): a decompression bomb. */
async function bombPng(): Promise<Buffer> {
  const b = Buffer.from(await png(1, 1));
  b.writeUInt32BE(100_000, 16);
  b.writeUInt32BE(100_000, 20);
  b.writeUInt32BE(crc32(b.subarray(12, 29)) >>> 0, 29);
  return b;
}

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

describe("POST /api/v2/media", () => {
  it("a phone photo is stored without EXIF, GPS or XMP, with a thumbnail, a blurhash and meta", async () => {
    const alice = await createResident(t, "alice");
    const original = await phoneJpeg();
    const sent = await sharp(original).metadata();
    expect(sent.exif?.toString("latin1")).toContain("SecretPhone");
    // the GPS IFD pointer (tag 0x8825, little-endian "II" EXIF) is there before upload
    expect(sent.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true);
    expect(sent.xmp).toBeDefined();
    const res = await t.http
      .post("/api/v2/media")
      .set("Authorization", alice.auth)
      .field("description", "La place du marché")
      .attach("file", original, { filename: "IMG_0001.jpg", contentType: "image/jpeg" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: "image", description: "La place du marché", meta: { original: { width: 60, height: 40, size: "60x40", aspect: 1.5 } } });
    expect(res.body.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{20,}$/);
    expect(res.body.url).toMatch(/\/media\/\d+\.jpg$/);
    expect(res.body.preview_url).toMatch(/\/media\/\d+-small\.webp$/);

    const file = stored(res.body.url);
    const meta = await sharp(file).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    const bytes = readFileSync(file).toString("latin1");
    for (const secret of ["SecretPhone", "Alice Martin", "PhoneMaker", "Exif", "xmpmeta"]) expect(bytes).not.toContain(secret);
    const small = await sharp(stored(res.body.preview_url)).metadata();
    expect(small).toMatchObject({ format: "webp", width: 60, height: 40 });
    expect(small.exif).toBeUndefined();

    const [row] = await t.services.db.select().from(mediaAttachments).where(eq(mediaAttachments.id, res.body.id));
    expect(row).toMatchObject({ blurhash: res.body.blurhash, description: "La place du marché", type: "image", contentType: "image/jpeg" });
  });

  it("EXIF orientation 6 is applied: width and height are swapped", async () => {
    const alice = await createResident(t, "alice");
    const sent = await phoneJpeg(6);
    expect((await sharp(sent).metadata()).orientation).toBe(6);
    const res = await t.http.post("/api/v1/media").set("Authorization", alice.auth).attach("file", sent, "rotated.jpg");
    expect(res.status).toBe(200);
    expect(res.body.meta.original).toMatchObject({ width: 40, height: 60 });
    const meta = await sharp(stored(res.body.url)).metadata();
    expect({ width: meta.width, height: meta.height, orientation: meta.orientation }).toEqual({ width: 40, height: 60, orientation: undefined });
  });

  it("a PNG named .jpg and sent as image/jpeg is typed by its bytes", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", await png(), { filename: "photo.jpg", contentType: "image/jpeg" });
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(/\.png$/);
    expect((await sharp(stored(res.body.url)).metadata()).format).toBe("png");
    const served = await t.http.get(new URL(res.body.url).pathname);
    expect(served.headers["content-type"]).toBe("image/png");
  });

  it("the longest side is capped by PARVIS_MEDIA_MAX_DIMENSION, the thumbnail at 640 px", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", await png(2000, 500), "wide.png");
    expect(res.status).toBe(200);
    expect(res.body.meta.original).toMatchObject({ width: 1000, height: 250 });
    expect(res.body.meta.small).toMatchObject({ width: 640, height: 160 });
    expect((await sharp(stored(res.body.url)).metadata()).width).toBe(1000);
  });

  it("WebP and AVIF are accepted; AVIF is re-encoded as JPEG", async () => {
    const alice = await createResident(t, "alice");
    const webp = await sharp({ create: { width: 10, height: 10, channels: 3, background: "#00ff00" } }).webp().toBuffer();
    const w = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", webp, "a.bin");
    expect(w.status).toBe(200);
    expect(w.body.url).toMatch(/\.webp$/);
    const avif = await sharp({ create: { width: 16, height: 12, channels: 3, background: "#ff0000" } }).avif().toBuffer();
    const a = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", avif, "a.avif");
    expect(a.status).toBe(200);
    expect(a.body.url).toMatch(/\.jpg$/);
    expect(a.body.meta.original).toMatchObject({ width: 16, height: 12 });
  });

  it("a text file named .png is refused with 422 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http
      .post("/api/v2/media")
      .set("Authorization", alice.auth)
      .attach("file", Buffer.from("#!/bin/sh\necho not an image at all, no\n"), { filename: "evil.png", contentType: "image/png" });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/not supported/);
    expect(await countRows(t, "media_attachments")).toBe(0);
    expect(filesOnDisk()).toEqual([]);
  });

  it("an SVG is refused (it is not among the accepted types, whatever it is called)", async () => {
    const alice = await createResident(t, "alice");
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    const res = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", svg, { filename: "a.png", contentType: "image/png" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "media_attachments")).toBe(0);
  });

  it("a decompression bomb (huge declared dimensions) is refused quickly, before decoding", async () => {
    const alice = await createResident(t, "alice");
    const bomb = await bombPng();
    expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(100_000);
    const started = performance.now();
    const res = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", bomb, "bomb.png");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/dimensions are too large/);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await countRows(t, "media_attachments")).toBe(0);
    expect(filesOnDisk()).toEqual([]);
  });

  it("a truncated JPEG is refused with 422 and nothing is left in the media folder", async () => {
    const alice = await createResident(t, "alice");
    const full = await phoneJpeg();
    const res = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", full.subarray(0, Math.floor(full.length / 2)), "cut.jpg");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/corrupt or truncated/);
    expect(await countRows(t, "media_attachments")).toBe(0);
    expect(filesOnDisk()).toEqual([]);
  });

  it("a corrupt PNG (signature then garbage) is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const bad = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    const res = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", bad, "bad.png");
    expect(res.status).toBe(422);
    expect(filesOnDisk()).toEqual([]);
  });

  it("a focal point is kept in meta.focus; an invalid one is a 422", async () => {
    const alice = await createResident(t, "alice");
    const ok = await t.http.post("/api/v2/media").set("Authorization", alice.auth).field("focus", "0.5,-0.25").attach("file", await png(), "a.png");
    expect(ok.status).toBe(200);
    expect(ok.body.meta.focus).toEqual({ x: 0.5, y: -0.25 });
    for (const focus of ["2,0", "a,b", "0.5", "1,1,1"]) {
      const bad = await t.http.post("/api/v2/media").set("Authorization", alice.auth).field("focus", focus).attach("file", await png(), "a.png");
      expect(bad.status).toBe(422);
    }
    expect(await countRows(t, "media_attachments")).toBe(1);
    expect(filesOnDisk()).toHaveLength(2);
  });

  it("no file, no token, or a token without write:media are refused", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.post("/api/v2/media").set("Authorization", alice.auth).field("description", "x")).status).toBe(422);
    expect((await t.http.post("/api/v2/media").attach("file", await png(), "a.png")).status).toBe(401);
    const { accessToken } = await issueToken(t.services.domain, { userId: alice.user.id, scopes: "read" });
    expect((await t.http.post("/api/v2/media").set("Authorization", `Bearer ${accessToken}`).attach("file", await png(), "a.png")).status).toBe(403);
    expect(await countRows(t, "media_attachments")).toBe(0);
  });

  it("a description longer than 1500 characters is a 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v2/media").set("Authorization", alice.auth).field("description", "x".repeat(1501)).attach("file", await png(), "a.png");
    expect(res.status).toBe(422);
    expect(filesOnDisk()).toEqual([]);
  });
});

describe("PDF documents", () => {
  it("a PDF is stored as sent, as an attachment of type unknown with a url and no preview", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v2/media").set("Authorization", alice.auth).field("description", "Budget 2026").attach("file", PDF, { filename: "budget.txt", contentType: "text/plain" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: "unknown", preview_url: null, blurhash: null, description: "Budget 2026" });
    expect(res.body.url).toMatch(/\/media\/\d+\.pdf$/);
    const served = await t.http.get(new URL(res.body.url).pathname).buffer(true);
    expect(served.headers["content-type"]).toBe("application/pdf");
    expect(served.headers["content-security-policy"]).toContain("sandbox");
    expect(Buffer.compare(served.body as Buffer, PDF)).toBe(0);
  });

  it("a PDF over PARVIS_MEDIA_MAX_DOCUMENT_BYTES is a 422", async () => {
    const alice = await createResident(t, "alice");
    const big = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(9000, 0x20), Buffer.from("\n%%EOF\n")]);
    const res = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", big, "big.pdf");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/too large/);
    expect(filesOnDisk()).toEqual([]);
  });

  it("a truncated PDF (no end-of-file marker) is a 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", PDF.subarray(0, 40), "cut.pdf");
    expect(res.status).toBe(422);
    expect(filesOnDisk()).toEqual([]);
  });
});

describe("GET and PUT /api/v1/media/:id", () => {
  it("the owner reads it, changes its description and focus; others get 404", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const up = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", await png(), "a.png");
    const put = await t.http.put(`/api/v1/media/${up.body.id}`).set("Authorization", alice.auth).send({ description: "<b>Le lavoir</b>", focus: "-0.3,0.4" });
    expect(put.status).toBe(200);
    expect(put.body.description).toBe("Le lavoir");
    expect(put.body.meta).toMatchObject({ focus: { x: -0.3, y: 0.4 }, original: { width: 8, height: 6 } });
    const got = await t.http.get(`/api/v1/media/${up.body.id}`).set("Authorization", alice.auth);
    expect(got.body).toMatchObject({ description: "Le lavoir", meta: { focus: { x: -0.3, y: 0.4 } } });

    // only the description: focus kept; an empty focus removes it
    await t.http.put(`/api/v1/media/${up.body.id}`).set("Authorization", alice.auth).send({ description: "Le lavoir en hiver" });
    const kept = await t.http.get(`/api/v1/media/${up.body.id}`).set("Authorization", alice.auth);
    expect(kept.body.meta.focus).toEqual({ x: -0.3, y: 0.4 });
    const cleared = await t.http.put(`/api/v1/media/${up.body.id}`).set("Authorization", alice.auth).send({ focus: "" });
    expect(cleared.body.meta.focus).toBeUndefined();
    expect(cleared.body.description).toBe("Le lavoir en hiver");

    expect((await t.http.get(`/api/v1/media/${up.body.id}`).set("Authorization", bob.auth)).status).toBe(404);
    const theirs = await t.http.put(`/api/v1/media/${up.body.id}`).set("Authorization", bob.auth).send({ description: "pwned" });
    expect(theirs.status).toBe(404);
    expect((await t.http.get(`/api/v1/media/${up.body.id}`).set("Authorization", alice.auth)).body.description).toBe("Le lavoir en hiver");
  });

  it("bad input: invalid focus, wrong types, malformed JSON, unknown ids", async () => {
    const alice = await createResident(t, "alice");
    const up = await t.http.post("/api/v2/media").set("Authorization", alice.auth).attach("file", await png(), "a.png");
    const path = `/api/v1/media/${up.body.id}`;
    expect((await t.http.put(path).set("Authorization", alice.auth).send({ focus: "3,3" })).status).toBe(422);
    expect((await t.http.put(path).set("Authorization", alice.auth).send({ description: 42 })).status).toBe(422);
    expect((await t.http.put(path).set("Authorization", alice.auth).set("Content-Type", "application/json").send('{"description": ')).status).toBe(400);
    expect((await t.http.put("/api/v1/media/999999999").set("Authorization", alice.auth).send({ description: "x" })).status).toBe(404);
    expect((await t.http.get("/api/v1/media/not-an-id").set("Authorization", alice.auth)).status).toBe(404);
    const still = await t.http.get(path).set("Authorization", alice.auth);
    expect(still.body).toMatchObject({ description: null });
    expect(still.body.meta.focus).toBeUndefined();
  });
});
