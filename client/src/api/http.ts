// The one place that talks HTTP to the Parvis API.
// The web client authenticates with an HttpOnly session cookie (never readable
// from script); every non-GET request carries the CSRF token from the
// readable `parvis_csrf` cookie in the X-CSRF-Token header.

export const CSRF_COOKIE = "parvis_csrf";
export const CSRF_HEADER = "X-CSRF-Token";

export type FieldErrors = Record<string, { error: string; description: string }[]>;

export type ApiErrorKind = "network" | "unauthorized" | "forbidden" | "not_found" | "validation" | "rate_limited" | "server" | "http";

/** An error answered by the API (`{"error": "…"}`) or a failed network request. */
export class ApiError extends Error {
  readonly status: number;
  readonly kind: ApiErrorKind;
  readonly details?: FieldErrors;

  constructor(status: number, message: string, details?: FieldErrors) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.kind = kindOf(status);
    this.details = details;
  }
}

function kindOf(status: number): ApiErrorKind {
  if (status === 0) return "network";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 422 || status === 400) return "validation";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server";
  return "http";
}

export interface LinkTarget {
  url: string;
  params: Record<string, string>;
}

/**
 * Parses an RFC 8288 Link header such as
 * `<https://x/api/v1/timelines/home?max_id=9>; rel="next", <…?min_id=12>; rel="prev"`.
 */
export function parseLinkHeader(header: string | null | undefined): Record<string, LinkTarget> {
  const links: Record<string, LinkTarget> = {};
  if (!header) return links;
  const re = /<([^>]*)>\s*((?:;\s*[^;,]+)*)/g;
  for (const match of header.matchAll(re)) {
    const url = match[1];
    const relMatch = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? "");
    if (!relMatch) continue;
    const params: Record<string, string> = {};
    try {
      const parsed = new URL(url, "http://localhost");
      parsed.searchParams.forEach((value, key) => {
        params[key] = value;
      });
    } catch {
      // an unparsable URL leaves params empty
    }
    for (const rel of relMatch[1].trim().split(/\s+/)) links[rel.toLowerCase()] = { url, params };
  }
  return links;
}

/** A page of a paginated list, with the cursors Mastodon put in its Link header. */
export interface Page<T> {
  items: T[];
  /** max_id for the next (older) page, null when there is none */
  nextMaxId: string | null;
  /** min_id for the previous (newer) page */
  prevMinId: string | null;
}

export function readCookie(name: string): string | null {
  if (typeof document === "undefined") return null;
  for (const part of document.cookie.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

export type QueryValue = string | number | boolean | undefined | null | (string | number)[];

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) for (const v of value) params.append(`${key}[]`, String(v));
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

const unauthorizedListeners = new Set<() => void>();

/** Called when the API says the session is gone (expired, revoked elsewhere). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface ApiResponse<T> {
  data: T;
  response: Response;
}

/** Sends one request; resolves with the parsed JSON or rejects with an ApiError. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  let body: BodyInit | undefined;
  if (options.form) {
    body = options.form; // the browser sets the multipart boundary itself
  } else if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  if (method !== "GET" && method !== "HEAD") {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  let response: Response;
  try {
    response = await fetch(path + buildQuery(options.query), {
      method,
      headers,
      body,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "Network error");
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const body = parsed as { error?: unknown; error_description?: unknown; details?: unknown } | undefined;
    const message =
      typeof body?.error === "string"
        ? body.error
        : typeof body?.error_description === "string"
          ? body.error_description
          : response.statusText || `HTTP ${response.status}`;
    const details = body && typeof body.details === "object" && body.details ? (body.details as FieldErrors) : undefined;
    // A 401 from the session endpoints means a wrong password, not a lost session.
    if (response.status === 401 && !path.startsWith("/api/parvis/web/")) for (const listener of unauthorizedListeners) listener();
    throw new ApiError(response.status, message, details);
  }
  return { data: parsed as T, response };
}

/** GET of a paginated list: items plus the cursors from the Link header. */
export async function requestPage<T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<Page<T>> {
  const { data, response } = await request<T[]>("GET", path, { query, signal });
  const links = parseLinkHeader(response.headers.get("Link"));
  return {
    items: Array.isArray(data) ? data : [],
    nextMaxId: links.next?.params.max_id ?? null,
    prevMinId: links.prev?.params.min_id ?? links.prev?.params.since_id ?? null,
  };
}

/**
 * POSTs one file as multipart with XMLHttpRequest (fetch has no upload
 * progress); `onProgress` gets 0…1. Rejects with an ApiError like `request`.
 */
export function uploadWithProgress<T>(path: string, form: FormData, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) xhr.setRequestHeader(CSRF_HEADER, csrf);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, "Network error"));
    xhr.onabort = () => reject(new DOMException("Aborted", "AbortError"));
    xhr.onload = () => {
      let parsed: unknown = undefined;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        parsed = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(1);
        resolve(parsed as T);
        return;
      }
      const body = parsed as { error?: unknown } | undefined;
      if (xhr.status === 401) for (const listener of unauthorizedListeners) listener();
      reject(new ApiError(xhr.status, typeof body?.error === "string" ? body.error : xhr.statusText || `HTTP ${xhr.status}`));
    };
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}
