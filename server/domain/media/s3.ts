// The S3-compatible media store (PARVIS_MEDIA_STORE=s3): PUT, GET, DELETE and
// HEAD of objects, path-style (endpoint/bucket/key, which AWS, MinIO, Garage
// and Ceph all accept), signed with AWS Signature Version 4 over fetch. No SDK:
// four requests do not need one. Checked against AWS's published signature
// examples (test/unit/media-store.test.ts), not against a running S3 server.
import { createHash, createHmac } from "node:crypto";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { ByteRange, MediaStore, StoredFile } from "../context";
import { checkKey } from "./keys";

export interface S3Settings {
  /** e.g. https://s3.fr-par.scw.cloud or http://127.0.0.1:9000 (no trailing slash) */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const S3_TIMEOUT_MS = 30_000;
const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding of one path segment, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const encodeSegment = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

export interface SigV4Request {
  method: string;
  url: URL;
  /** every header to sign, host and x-amz-date included (names in any case) */
  headers: Record<string, string>;
  /** hex SHA-256 of the body (or "UNSIGNED-PAYLOAD") */
  payloadHash: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
  /** YYYYMMDD'T'HHMMSS'Z', the x-amz-date header's value */
  amzDate: string;
}

/** The Authorization header of a request, by AWS Signature Version 4. */
export function signV4(r: SigV4Request): string {
  const headers = Object.entries(r.headers)
    .map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, " ")] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaders = headers.map(([k]) => k).join(";");
  const canonicalUri = r.url.pathname.split("/").map((s) => encodeSegment(decodeURIComponent(s))).join("/") || "/";
  const canonicalQuery = [...r.url.searchParams]
    .map(([k, v]) => [encodeSegment(k), encodeSegment(v)])
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalRequest = [
    r.method,
    canonicalUri,
    canonicalQuery,
    headers.map(([k, v]) => `${k}:${v}\n`).join(""),
    signedHeaders,
    r.payloadHash,
  ].join("\n");
  const day = r.amzDate.slice(0, 8);
  const scope = `${day}/${r.region}/${r.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", r.amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${r.secretAccessKey}`, day), r.region), r.service), "aws4_request");
  const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
  return `AWS4-HMAC-SHA256 Credential=${r.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

export const amzDate = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

export class S3MediaStore implements MediaStore {
  private readonly s: S3Settings;
  private readonly fetchImpl: typeof fetch;

  constructor(s: S3Settings, fetchImpl: typeof fetch = fetch) {
    this.s = s;
    this.fetchImpl = fetchImpl;
  }

  private async send(method: "PUT" | "GET" | "DELETE" | "HEAD", key: string, body?: Buffer, contentType?: string, range?: string): Promise<Response> {
    const url = new URL(`${this.s.endpoint.replace(/\/+$/, "")}/${encodeSegment(this.s.bucket)}/${checkKey(key).split("/").map(encodeSegment).join("/")}`);
    const payloadHash = body ? sha256Hex(body) : EMPTY_SHA256;
    const date = amzDate(new Date());
    const headers: Record<string, string> = { host: url.host, "x-amz-date": date, "x-amz-content-sha256": payloadHash };
    if (contentType) headers["content-type"] = contentType;
    // Range is not signed (SigV4 signs what it lists in SignedHeaders: host and x-amz-*)
    const unsigned: Record<string, string> = range ? { range } : {};
    const authorization = signV4({ method, url, headers, payloadHash, ...this.s, service: "s3", amzDate: date });
    const { host: _host, ...sent } = headers;
    return this.fetchImpl(url, {
      method,
      headers: { ...sent, ...unsigned, authorization },
      body: body ? new Uint8Array(body) : undefined,
      signal: AbortSignal.timeout(S3_TIMEOUT_MS),
    });
  }

  private static async fail(what: string, key: string, res: Response): Promise<never> {
    const text = await res.text().catch(() => "");
    throw new Error(`S3 ${what} ${key}: HTTP ${res.status} ${text.slice(0, 200)}`);
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    // S3 makes an object visible only once all its bytes are in: no partial file
    const res = await this.send("PUT", key, bytes, contentType);
    if (!res.ok) await S3MediaStore.fail("PUT", key, res);
    await res.body?.cancel();
  }

  async get(key: string, range?: ByteRange): Promise<StoredFile | null> {
    const asked = range ? ("suffix" in range ? `bytes=-${range.suffix}` : `bytes=${range.start}-${range.end ?? ""}`) : undefined;
    const res = await this.send("GET", key, undefined, undefined, asked);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    // Content-Range: "bytes 0-99/1234" (206) or "bytes */1234" (416)
    const contentRange = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+)$/.exec(res.headers.get("content-range") ?? "");
    if (res.status === 416) {
      await res.body?.cancel();
      return { stream: null, size: 0, totalSize: contentRange ? Number(contentRange[3]) : 0, contentType: res.headers.get("content-type"), unsatisfiable: true };
    }
    if (!res.ok || !res.body) return S3MediaStore.fail("GET", key, res);
    const length = Number(res.headers.get("content-length"));
    const partial = res.status === 206 && contentRange?.[1] !== undefined;
    return {
      stream: Readable.fromWeb(res.body as unknown as WebReadableStream),
      size: Number.isFinite(length) ? length : null,
      totalSize: contentRange ? Number(contentRange[3]) : Number.isFinite(length) ? length : null,
      ...(partial ? { range: { start: Number(contentRange[1]), end: Number(contentRange[2]) } } : {}),
      contentType: res.headers.get("content-type"),
    };
  }

  async delete(key: string): Promise<void> {
    const res = await this.send("DELETE", key);
    if (!res.ok && res.status !== 404) await S3MediaStore.fail("DELETE", key, res);
    await res.body?.cancel();
  }

  async exists(key: string): Promise<boolean> {
    const res = await this.send("HEAD", key);
    await res.body?.cancel();
    if (res.status === 404) return false;
    if (!res.ok) return S3MediaStore.fail("HEAD", key, res);
    return true;
  }
}
