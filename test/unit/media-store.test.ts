// The media store interface: the filesystem store (keys, never paths; whole
// files only), the S3 adapter's requests and its AWS Signature V4 (checked
// against AWS's published examples), and the settings that choose them.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config";
import { createMediaStore, FsMediaStore, isMediaKey, S3MediaStore, signV4 } from "../../server/domain/media";
import { putAll } from "../../server/domain/media/upload";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "parvis-store-"));
  dirs.push(d);
  return d;
};

describe("media keys", () => {
  it("are names in at most two segments, never paths", () => {
    for (const ok of ["123.jpg", "123-small.webp", "cache/ab12.png", "cache/ab12-small.webp"]) expect(isMediaKey(ok), ok).toBe(true);
    for (const bad of ["", "../x", "cache/../x", "a/b/c", "/abs.jpg", ".tmp-x", "cache/.hidden", "A.JPG", "x\0.jpg", "cache//x", "x y.jpg"]) {
      expect(isMediaKey(bad), bad).toBe(false);
    }
  });
});

describe("FsMediaStore", () => {
  it("puts, reads, tells and deletes files by key", async () => {
    const dir = tempDir();
    const store = new FsMediaStore(dir);
    expect(await store.exists("cache/a.png")).toBe(false);
    expect(await store.get("cache/a.png")).toBeNull();
    await store.put("cache/a.png", Buffer.from("hello"), "image/png");
    expect(await store.exists("cache/a.png")).toBe(true);
    const file = (await store.get("cache/a.png"))!;
    expect([file.size, file.contentType, await text(file.stream as NodeJS.ReadableStream & AsyncIterable<Buffer>)]).toEqual([5, "image/png", "hello"]);
    // no temporary file is left beside it
    expect(readdirSync(join(dir, "cache"))).toEqual(["a.png"]);
    await store.delete("cache/a.png");
    await store.delete("cache/a.png"); // already gone: not an error
    expect(existsSync(join(dir, "cache", "a.png"))).toBe(false);
  });

  it("reads a byte range, and tells when it lies past the end", async () => {
    const store = new FsMediaStore(tempDir());
    await store.put("v.mp4", Buffer.from("0123456789"), "video/mp4");
    const part = (await store.get("v.mp4", { start: 7, end: null }))!;
    expect([part.size, part.totalSize, part.range, part.contentType]).toEqual([3, 10, { start: 7, end: 9 }, "video/mp4"]);
    expect(await text(part.stream as NodeJS.ReadableStream & AsyncIterable<Buffer>)).toBe("789");
    const capped = (await store.get("v.mp4", { start: 0, end: 99 }))!;
    expect(capped.range).toEqual({ start: 0, end: 9 });
    expect(await store.get("v.mp4", { start: 10, end: 12 })).toMatchObject({ unsatisfiable: true, totalSize: 10 });
    expect(await store.get("v.mp4", { suffix: 0 })).toMatchObject({ unsatisfiable: true });
  });

  it("refuses keys that are paths", async () => {
    const store = new FsMediaStore(tempDir());
    await expect(store.put("../escape.png", Buffer.from("x"), "image/png")).rejects.toThrow(/Invalid media key/);
    await expect(store.get("a/../../b")).rejects.toThrow(/Invalid media key/);
    await expect(store.delete("/etc/passwd")).rejects.toThrow(/Invalid media key/);
  });

  it("putAll leaves nothing when one file of the batch fails", async () => {
    const dir = tempDir();
    const store = new FsMediaStore(dir);
    await expect(
      putAll(store, [
        { key: "1.png", bytes: Buffer.from("a"), contentType: "image/png" },
        { key: "../2.png", bytes: Buffer.from("b"), contentType: "image/png" },
      ]),
    ).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("AWS Signature Version 4", () => {
  it("matches AWS's test suite (get-vanilla)", () => {
    const authorization = signV4({
      method: "GET",
      url: new URL("https://example.amazonaws.com/"),
      headers: { Host: "example.amazonaws.com", "X-Amz-Date": "20150830T123600Z" },
      payloadHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      accessKeyId: "AKIDEXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      region: "us-east-1",
      service: "service",
      amzDate: "20150830T123600Z",
    });
    expect(authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
  });

  it("matches the S3 documentation's GET Object example", () => {
    const authorization = signV4({
      method: "GET",
      url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
      headers: {
        host: "examplebucket.s3.amazonaws.com",
        range: "bytes=0-9",
        "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "x-amz-date": "20130524T000000Z",
      },
      payloadHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      region: "us-east-1",
      service: "s3",
      amzDate: "20130524T000000Z",
    });
    expect(authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
  });
});

describe("S3MediaStore", () => {
  const settings = { endpoint: "http://s3.test:9000", bucket: "parvis-media", region: "fr-par", accessKeyId: "AK", secretAccessKey: "SK" };

  /** A fake S3: records each request, answers from a map of objects. */
  function fakeS3() {
    const objects = new Map<string, { body: Buffer; type: string }>();
    const seen: { method: string; url: string; headers: Headers }[] = [];
    const fetchImpl = (async (input: URL, init: RequestInit) => {
      const url = String(input);
      const headers = new Headers(init.headers);
      seen.push({ method: init.method!, url, headers });
      const path = new URL(url).pathname;
      const found = objects.get(path);
      switch (init.method) {
        case "PUT":
          objects.set(path, { body: Buffer.from(init.body as Uint8Array), type: headers.get("content-type")! });
          return new Response(null, { status: 200 });
        case "GET": {
          if (!found) return new Response("<Error/>", { status: 404 });
          // S3 answers one byte range as HTTP does (206 with Content-Range, 416 past the end)
          const range = /^bytes=(\d*)-(\d*)$/.exec(headers.get("range") ?? "");
          if (range) {
            const total = found.body.length;
            const start = range[1] === "" ? Math.max(0, total - Number(range[2])) : Number(range[1]);
            const end = range[1] === "" || range[2] === "" ? total - 1 : Math.min(Number(range[2]), total - 1);
            if (start >= total) return new Response(null, { status: 416, headers: { "content-range": `bytes */${total}` } });
            const part = found.body.subarray(start, end + 1);
            return new Response(new Uint8Array(part), {
              status: 206,
              headers: { "content-type": found.type, "content-length": String(part.length), "content-range": `bytes ${start}-${end}/${total}` },
            });
          }
          return new Response(new Uint8Array(found.body), { headers: { "content-type": found.type, "content-length": String(found.body.length) } });
        }
        case "HEAD":
          return new Response(null, { status: found ? 200 : 404 });
        case "DELETE":
          objects.delete(path);
          return new Response(null, { status: 204 });
      }
      return new Response(null, { status: 405 });
    }) as unknown as typeof fetch;
    return { objects, seen, store: new S3MediaStore(settings, fetchImpl) };
  }

  it("puts, gets, tells and deletes objects path-style, each request signed", async () => {
    const { objects, seen, store } = fakeS3();
    await store.put("cache/a.webp", Buffer.from("pixels"), "image/webp");
    expect([...objects.keys()]).toEqual(["/parvis-media/cache/a.webp"]);
    expect(await store.exists("cache/a.webp")).toBe(true);
    const file = (await store.get("cache/a.webp"))!;
    expect([file.size, file.contentType, await text(file.stream as NodeJS.ReadableStream & AsyncIterable<Buffer>)]).toEqual([6, "image/webp", "pixels"]);
    await store.delete("cache/a.webp");
    expect(await store.exists("cache/a.webp")).toBe(false);
    expect(await store.get("cache/a.webp")).toBeNull();
    for (const r of seen) {
      expect(r.url).toBe("http://s3.test:9000/parvis-media/cache/a.webp");
      expect(r.headers.get("authorization")).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AK\/\d{8}\/fr-par\/s3\/aws4_request, SignedHeaders=(content-type;)?host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
      );
    }
    // the body's hash is signed, so a changed body is refused by S3
    expect(seen[0].headers.get("x-amz-content-sha256")).toBe(createHash("sha256").update("pixels").digest("hex"));
    expect(seen[0].headers.get("content-type")).toBe("image/webp");
  });

  it("reads a byte range, and tells when it lies past the end", async () => {
    const { store, seen } = fakeS3();
    await store.put("cache/v.mp4", Buffer.from("0123456789"), "video/mp4");
    const part = (await store.get("cache/v.mp4", { start: 2, end: 5 }))!;
    expect([part.size, part.totalSize, part.range]).toEqual([4, 10, { start: 2, end: 5 }]);
    expect(await text(part.stream as NodeJS.ReadableStream & AsyncIterable<Buffer>)).toBe("2345");
    expect(seen.at(-1)!.headers.get("range")).toBe("bytes=2-5");
    const tail = (await store.get("cache/v.mp4", { suffix: 3 }))!;
    expect(await text(tail.stream as NodeJS.ReadableStream & AsyncIterable<Buffer>)).toBe("789");
    expect(await store.get("cache/v.mp4", { start: 10, end: null })).toMatchObject({ unsatisfiable: true, totalSize: 10 });
  });

  it("raises on an S3 error other than 404, and refuses keys that are paths", async () => {
    const failing = new S3MediaStore(settings, (async () => new Response("<Error>AccessDenied</Error>", { status: 403 })) as unknown as typeof fetch);
    await expect(failing.put("1.jpg", Buffer.from("x"), "image/jpeg")).rejects.toThrow(/HTTP 403/);
    await expect(failing.exists("1.jpg")).rejects.toThrow(/HTTP 403/);
    await expect(fakeS3().store.get("../other-bucket/x")).rejects.toThrow(/Invalid media key/);
  });
});

describe("media store settings", () => {
  const base = { PARVIS_DATA_DIR: "/tmp/parvis-x", PARVIS_SECRET: "s".repeat(32) };
  it("default to the data directory", () => {
    const config = loadConfig(base);
    expect(config.media.store).toEqual({ kind: "filesystem" });
    expect(createMediaStore(config)).toBeInstanceOf(FsMediaStore);
    expect((createMediaStore(config) as FsMediaStore).dir).toBe("/tmp/parvis-x/media");
  });

  it("choose S3 with its endpoint, bucket and keys, all required", () => {
    const s3 = {
      ...base,
      PARVIS_MEDIA_STORE: "s3",
      PARVIS_S3_ENDPOINT: "https://s3.example.org/",
      PARVIS_S3_BUCKET: "commune-media",
      PARVIS_S3_ACCESS_KEY_ID: "AK",
      PARVIS_S3_SECRET_ACCESS_KEY: "SK",
    };
    const config = loadConfig(s3);
    expect(config.media.store).toEqual({
      kind: "s3",
      endpoint: "https://s3.example.org",
      bucket: "commune-media",
      region: "us-east-1",
      accessKeyId: "AK",
      secretAccessKey: "SK",
    });
    expect(createMediaStore(config)).toBeInstanceOf(S3MediaStore);
    const { PARVIS_S3_BUCKET: _b, PARVIS_S3_SECRET_ACCESS_KEY: _k, ...incomplete } = s3;
    expect(() => loadConfig(incomplete)).toThrow(ConfigError);
    expect(() => loadConfig(incomplete)).toThrow(/PARVIS_S3_BUCKET: required[\s\S]*PARVIS_S3_SECRET_ACCESS_KEY: required/);
    expect(() => loadConfig({ ...s3, PARVIS_S3_ENDPOINT: "ftp://x" })).toThrow(/PARVIS_S3_ENDPOINT/);
    expect(() => loadConfig({ ...s3, PARVIS_S3_BUCKET: "Bad_Bucket" })).toThrow(/PARVIS_S3_BUCKET/);
  });

  it("limit the remote media cache", () => {
    const config = loadConfig({ ...base, PARVIS_MEDIA_CACHE_MAX_MB: "50", PARVIS_MEDIA_CACHE_MAX_AGE_DAYS: "2", PARVIS_MEDIA_PROXY_MAX_BYTES: "100000" });
    expect(config.media.cache).toEqual({ maxBytes: 50 * 1024 * 1024, maxAgeMs: 2 * 86_400_000, maxRemoteBytes: 100_000 });
    expect(() => loadConfig({ ...base, PARVIS_MEDIA_CACHE_MAX_MB: "-1" })).toThrow(/PARVIS_MEDIA_CACHE_MAX_MB/);
  });
});
