// The one way Parvis fetches from other servers: http(s) only, public
// addresses only (checked on the address actually connected to, at every
// redirect hop), the domain policy honoured, bounded in time, redirects and
// bytes, and the Content-Type checked so that an uploaded JSON file cannot pass
// for an actor or a note.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Readable } from "node:stream";
import { isPublicAddress } from "./addresses";

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_REDIRECTS = 5;
/** JSON documents (actors, notes, collections, WebFinger, NodeInfo) are small. */
export const JSON_MAX_BYTES = 1024 * 1024;

export const ACTIVITYSTREAMS_PROFILE = "https://www.w3.org/ns/activitystreams";
export const ACTIVITYPUB_ACCEPT = `application/activity+json, application/ld+json; profile="${ACTIVITYSTREAMS_PROFILE}"`;

export type SafeFetchErrorCode =
  | "scheme"
  | "invalid-url"
  | "private-address"
  | "blocked-domain"
  | "too-many-redirects"
  | "too-large"
  | "content-type"
  | "timeout"
  | "network";

export class SafeFetchError extends Error {
  readonly code: SafeFetchErrorCode;
  readonly url: string;

  constructor(code: SafeFetchErrorCode, message: string, url: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.url = url;
    this.name = "SafeFetchError";
  }
}

/**
 * Which Content-Types a caller accepts:
 * - activitypub: application/activity+json, or application/ld+json with the ActivityStreams profile
 * - json: any JSON (WebFinger's jrd+json, NodeInfo, activity+json, ld+json)
 * - jsonld: JSON-LD contexts (ld+json or plain json)
 * - a predicate on the parsed media type for anything else (images…)
 */
export type ContentTypeRule = "activitypub" | "json" | "jsonld" | ((mediaType: MediaType) => boolean);

export interface MediaType {
  type: string;
  params: Record<string, string>;
}

export interface SafeFetchConfig {
  /** tests and local development only (PARVIS_ALLOW_PRIVATE_ADDRESS) */
  allowPrivateAddress: boolean;
  /** the federation policy: false refuses the fetch (host is lower-case host[:port]) */
  isHostAllowed?: (host: string) => boolean | Promise<boolean>;
  timeoutMs?: number;
  maxRedirects?: number;
  userAgent?: string;
  /** which resolved addresses may be connected to when private ones are not allowed (tests swap it) */
  isAllowedAddress?: (ip: string) => boolean;
}

export interface SafeFetchRequest {
  accept?: string;
  contentTypes: ContentTypeRule;
  maxBytes?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** signs each hop (the instance actor's HTTP signature); receives and returns a Fetch Request */
  sign?: (request: Request) => Promise<Request>;
}

export interface SafeResponse {
  /** the URL the body actually came from, after redirects */
  url: string;
  status: number;
  ok: boolean;
  headers: Headers;
  mediaType: MediaType | null;
  body: Buffer;
  text(): string;
  json(): unknown;
}

export type SafeFetch = (url: string | URL, request: SafeFetchRequest) => Promise<SafeResponse>;

export function createSafeFetch(config: SafeFetchConfig): SafeFetch {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = config.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const isAllowedAddress = config.isAllowedAddress ?? isPublicAddress;
  const lookup = guardedLookup(config.allowPrivateAddress, isAllowedAddress);
  // Dedicated agents: a pooled socket is only ever one our lookup checked.
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64, lookup } as http.AgentOptions);
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, lookup } as https.AgentOptions);

  return async function safeFetch(input, request) {
    const signal = request.signal
      ? AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);
    let url = parseUrl(String(input));
    for (let hop = 0; ; hop++) {
      await checkTarget(url, config, isAllowedAddress);
      const agent = url.protocol === "https:" ? httpsAgent : httpAgent;
      let response: http.IncomingMessage;
      try {
        response = await requestOnce(url, request, signal, agent, config);
      } catch (error) {
        // A pooled connection the server had just closed: a GET is safe to send once more, on a new one.
        if (!isStaleConnection(error) || signal.aborted) throw error;
        response = await requestOnce(url, request, signal, agent, config);
      }
      const location = response.headers.location;
      if (response.statusCode && [301, 302, 303, 307, 308].includes(response.statusCode) && location) {
        response.resume();
        if (hop >= maxRedirects) {
          throw new SafeFetchError("too-many-redirects", `More than ${maxRedirects} redirects`, String(input));
        }
        url = parseUrl(new URL(location, url).href);
        continue;
      }
      return readResponse(url, response, request, signal);
    }
  };
}

function isStaleConnection(error: unknown): boolean {
  let cur: unknown = error;
  for (let i = 0; i < 3 && cur; i++) {
    const code = (cur as { code?: string }).code;
    if (code === "ECONNRESET" || code === "EPIPE") return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

function parseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SafeFetchError("invalid-url", "Invalid URL", value);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SafeFetchError("scheme", `Refused scheme ${url.protocol}`, value);
  }
  if (url.username || url.password) throw new SafeFetchError("invalid-url", "Credentials in URL", value);
  return url;
}

/** Checks made before connecting; names are checked again on the resolved address by the lookup. */
async function checkTarget(url: URL, config: SafeFetchConfig, isAllowedAddress: (ip: string) => boolean): Promise<void> {
  const host = url.host.toLowerCase();
  if (config.isHostAllowed && !(await config.isHostAllowed(host))) {
    throw new SafeFetchError("blocked-domain", `Federation with ${host} is not allowed`, url.href);
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  // IP literals never reach the lookup function: judge them here.
  if (isIP(hostname) !== 0 && !config.allowPrivateAddress && !isAllowedAddress(hostname)) {
    throw new SafeFetchError("private-address", `Refused private address ${hostname}`, url.href);
  }
}

/** Resolves like dns.lookup, but refuses names with any non-public address. */
export function guardedLookup(allowPrivateAddress: boolean, isAllowedAddress: (ip: string) => boolean = isPublicAddress): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      // Any private answer refuses the whole name: a mixed answer is a rebinding trick.
      const refused = addresses.length === 0 || (!allowPrivateAddress && addresses.some((a) => !isAllowedAddress(a.address)));
      if (refused) {
        const e = new SafeFetchError("private-address", `Refused private address for ${hostname}`, hostname);
        return callback(e as NodeJS.ErrnoException, "", 4);
      }
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      } else {
        callback(null, addresses[0].address, addresses[0].family);
      }
    });
  };
}

async function requestOnce(
  url: URL,
  request: SafeFetchRequest,
  signal: AbortSignal,
  agent: http.Agent,
  config: SafeFetchConfig,
): Promise<http.IncomingMessage> {
  let headers: Record<string, string> = {
    accept: request.accept ?? ACTIVITYPUB_ACCEPT,
    "accept-encoding": "gzip, deflate, br",
    "user-agent": config.userAgent ?? "Parvis",
    ...lowerKeys(request.headers ?? {}),
  };
  if (request.sign) {
    const signed = await request.sign(new Request(url, { method: "GET", headers }));
    headers = Object.fromEntries(signed.headers.entries());
  }
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { method: "GET", headers, agent, signal }, resolve);
    req.on("error", (error) => reject(wrapError(error, url, signal)));
    req.end();
  });
}

async function readResponse(url: URL, response: http.IncomingMessage, request: SafeFetchRequest, signal: AbortSignal): Promise<SafeResponse> {
  const status = response.statusCode ?? 0;
  const ok = status >= 200 && status < 300;
  const mediaType = parseMediaType(response.headers["content-type"]);
  if (ok && !acceptsContentType(request.contentTypes, mediaType)) {
    response.destroy();
    throw new SafeFetchError("content-type", `Unexpected Content-Type ${response.headers["content-type"] ?? "(none)"}`, url.href);
  }
  const maxBytes = request.maxBytes ?? JSON_MAX_BYTES;
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new SafeFetchError("too-large", `Response larger than ${maxBytes} bytes`, url.href);
  }
  let body: Buffer;
  try {
    body = await readLimited(decoded(response, url), maxBytes, url, signal);
  } finally {
    // past the limit (or failing), stop reading the socket too, not only the decoder
    if (!response.complete) response.destroy();
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return {
    url: url.href,
    status,
    ok,
    headers,
    mediaType,
    body,
    text: () => body.toString("utf8"),
    json: () => JSON.parse(body.toString("utf8")),
  };
}

/** The body stream, decompressed: the byte limit applies to what we would parse. */
function decoded(response: http.IncomingMessage, url: URL): Readable {
  const encoding = String(response.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding === "identity" || encoding === "") return response;
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "deflate"
        ? createInflate()
        : encoding === "br"
          ? createBrotliDecompress()
          : null;
  if (!decoder) {
    response.destroy();
    throw new SafeFetchError("network", `Unsupported Content-Encoding ${encoding}`, url.href);
  }
  response.on("error", (e) => decoder.destroy(e));
  return response.pipe(decoder);
}

async function readLimited(stream: Readable, maxBytes: number, url: URL, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        stream.destroy();
        throw new SafeFetchError("too-large", `Response larger than ${maxBytes} bytes`, url.href);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw wrapError(error, url, signal);
  }
  return Buffer.concat(chunks);
}

function wrapError(error: unknown, url: URL, signal: AbortSignal): Error {
  if (error instanceof SafeFetchError) return error;
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    if (reason?.name === "TimeoutError") return new SafeFetchError("timeout", "Timed out", url.href, { cause: error });
  }
  // node:http wraps what the lookup raised
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof SafeFetchError) return cause;
  return new SafeFetchError("network", (error as Error)?.message ?? "Network error", url.href, { cause: error });
}

export function parseMediaType(header: string | undefined | null): MediaType | null {
  if (!header) return null;
  const [type, ...rest] = header.split(";");
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    params[name] = value;
  }
  return { type: type.trim().toLowerCase(), params };
}

export function acceptsContentType(rule: ContentTypeRule, mediaType: MediaType | null): boolean {
  if (typeof rule === "function") return mediaType !== null && rule(mediaType);
  if (!mediaType) return false;
  const { type, params } = mediaType;
  switch (rule) {
    case "activitypub":
      return (
        type === "application/activity+json" ||
        (type === "application/ld+json" && (params.profile ?? "").split(/\s+/).includes(ACTIVITYSTREAMS_PROFILE))
      );
    case "json":
      return type === "application/json" || type === "application/jrd+json" || type === "application/activity+json" || type === "application/ld+json";
    case "jsonld":
      return type === "application/ld+json" || type === "application/json";
  }
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
