// Edge helpers shared by the routers: input validation with zod, ids,
// pagination parameters and the Link header.
import type { Request, RequestHandler, Response } from "express";
import multer from "multer";
import { z } from "zod";
import { DomainError, Invalid, NotFound } from "../errors";
import { isId } from "../ids";
import type { PageParams } from "../domain/pagination";

/** Booleans as JSON sends them, or as form encoding and query strings do. */
export const boolish = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", "on", "off", ""])])
  .transform((v) => v === true || v === "true" || v === "1" || v === "on");

/** A list as JSON sends it, as `a[]=x&a[]=y`, or as a lone value. */
export function listOf<T extends z.ZodTypeAny>(item: T) {
  return z.preprocess((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]), z.array(item));
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/**
 * True when a parsed body or query holds U+0000 in a key or a string: PostgreSQL
 * text cannot store it, and a query with it fails with a 500 instead of a 4xx.
 */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 32 || value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([k, v]) => k.includes("\u0000") || containsNul(v, depth + 1));
}

/** A body that cannot be read at all (truncated or malformed multipart): 400, like malformed JSON. */
export class MalformedBody extends DomainError {
  override readonly status = 400;
}

/**
 * Runs a multer middleware: its limits are validation errors (422), and
 * anything else it meets while reading (no boundary, a truncated body, a
 * broken part header) is a malformed body (400), never a 500.
 */
export function multipart(middleware: RequestHandler): RequestHandler {
  return (req, res, next) => {
    middleware(req, res, (err?: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) return next(new Invalid(err.code === "LIMIT_FILE_SIZE" ? "File is too large" : "Invalid upload"));
      next(new MalformedBody("Malformed multipart body"));
    });
  };
}

/** Validates the request body; answers 422 naming the first problem. */
export function parseBody<T extends z.ZodTypeAny>(schema: T, req: Request): z.infer<T> {
  const body = req.body ?? {};
  if (typeof body !== "object" || Array.isArray(body)) throw new Invalid("Request body must be an object");
  // multipart bodies are parsed after the app-wide check: look again
  if (containsNul(body)) throw new Invalid("Request contains a NUL character");
  const result = schema.safeParse(body);
  if (!result.success) throw new Invalid(`Validation failed: ${describe(result.error)}`);
  return result.data;
}

/** Validates the query string; answers 400 naming the first problem. */
export function parseQuery<T extends z.ZodTypeAny>(schema: T, req: Request): z.infer<T> {
  const result = schema.safeParse(req.query ?? {});
  if (!result.success) throw new Invalid(`Invalid parameter: ${describe(result.error)}`);
  return result.data;
}

/** A path id: anything that cannot be an id is simply not found. */
export function idParam(req: Request, name = "id"): string {
  const value = req.params[name];
  if (!isId(value)) throw new NotFound();
  return value;
}

/** An id as a string: digits that fit in PostgreSQL's bigint (larger ones would fail the query). */
export const idSchema = z.string().refine(isId, "must be an id");
const idLike = idSchema;

export function pageSchema(defaultLimit = 20, maxLimit = 40) {
  return z.object({
    max_id: idLike.optional().catch(undefined),
    since_id: idLike.optional().catch(undefined),
    min_id: idLike.optional().catch(undefined),
    limit: z.coerce
      .number()
      .int()
      .catch(defaultLimit)
      .default(defaultLimit)
      .transform((n) => Math.min(Math.max(n, 1), maxLimit)),
  });
}

export function pageParams(req: Request, defaultLimit = 20, maxLimit = 40): PageParams {
  const q = pageSchema(defaultLimit, maxLimit).parse(req.query ?? {});
  return { maxId: q.max_id, sinceId: q.since_id, minId: q.min_id, limit: q.limit };
}

/** The instance's configured origin, as the edge put it in res.locals (server/api/edge.ts). */
export function canonicalOrigin(res: Response): string {
  const origin = res.locals.origin;
  if (typeof origin !== "string") throw new Error("the canonical origin was not set at the edge");
  return origin;
}

/**
 * Sets Mastodon's Link header: "next" for older items (max_id), "prev" for newer (min_id).
 * `cursors` are the ids the page was ordered by, newest first.
 */
export function setLinkHeader(req: Request, res: Response, cursors: string[], limit: number): void {
  if (cursors.length === 0) return;
  setPageLinks(req, res, { next: cursors.length >= limit ? cursors[cursors.length - 1] : undefined, prev: cursors[0] });
}

/** The Link header from explicit cursors: `next` becomes max_id, `prev` min_id. */
export function setPageLinks(req: Request, res: Response, cursors: { next?: string; prev?: string }): void {
  // the configured origin (set at the edge), never the request's Host header
  const base = `${canonicalOrigin(res)}${req.baseUrl}${req.path}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) {
    if (["max_id", "min_id", "since_id"].includes(k)) continue;
    if (Array.isArray(v)) v.forEach((x) => params.append(`${k}[]`, String(x)));
    else if (typeof v === "string") params.append(k, v);
  }
  const link = (key: string, value: string) => {
    const p = new URLSearchParams(params);
    p.set(key, value);
    return `${base}?${p.toString()}`;
  };
  const parts: string[] = [];
  if (cursors.next) parts.push(`<${link("max_id", cursors.next)}>; rel="next"`);
  if (cursors.prev) parts.push(`<${link("min_id", cursors.prev)}>; rel="prev"`);
  if (parts.length) res.setHeader("Link", parts.join(", "));
}
