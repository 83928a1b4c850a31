// Express 5 ⇄ Fedify. The request becomes a Fetch Request whose body is read
// from the socket only if Fedify asks for it (so a request Fedify does not
// handle still has its body for express.json), bounded in size. Whatever
// Fedify does not handle — unknown routes, or an actor/status URL asked for
// as HTML — goes on with next() to the API and the web client.
import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from "express";
import type { Federation } from "@fedify/fedify";

export interface FederationMiddlewareOptions<T> {
  /** canonical origin (config.origin): request URLs are rebuilt on it, whatever proxy headers say */
  origin: string;
  contextData: (req: ExpressRequest) => T;
  /** largest request body Fedify may read (inbox POSTs) */
  maxBodyBytes?: number;
  /** answers before Fedify does (e.g. a blocked domain's inbox POST); null lets the request through */
  guard?: (request: Request) => Promise<Response | null> | Response | null;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

const FEDERATION_ONLY = /^\/(\.well-known\/(webfinger|nodeinfo)|nodeinfo\/)/;

function wantsActivityPub(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  return /application\/(activity\+json|ld\+json)/i.test(accept);
}

export function federationMiddleware<T>(federation: Federation<T>, options: FederationMiddlewareOptions<T>): RequestHandler {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (req, res, next) => {
    const declared = Number(req.headers["content-length"]);
    const body = { tooLarge: Number.isFinite(declared) && declared > maxBodyBytes };
    const request = toFetchRequest(req, options.origin, maxBodyBytes, body);
    let passedThrough = false;
    const passThrough = () => {
      passedThrough = true;
      return new Response(null, { status: 404 });
    };
    // Not found for a client that asked for ActivityPub (or on a federation-only
    // path) is final: the web client must not answer it with an HTML page.
    const notFound = (request: Request) =>
      wantsActivityPub(request) || FEDERATION_ONLY.test(new URL(request.url).pathname)
        ? Response.json({ error: "Not found" }, { status: 404 })
        : passThrough();
    try {
      const guarded = await options.guard?.(request);
      if (guarded) {
        await writeResponse(res, guarded);
        return;
      }
      const response = await federation.fetch(request, {
        contextData: options.contextData(req),
        onNotFound: notFound,
        onNotAcceptable: passThrough,
      });
      if (passedThrough) return next();
      if (body.tooLarge) {
        res.status(413).json({ error: "Request body is too large" });
        return;
      }
      await writeResponse(res, response);
    } catch (error) {
      if (body.tooLarge && !res.headersSent) {
        res.status(413).json({ error: "Request body is too large" });
        return;
      }
      next(error);
    }
  };
}

function toFetchRequest(req: ExpressRequest, origin: string, maxBodyBytes: number, state: { tooLarge: boolean }): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  // Concatenated, not resolved: a path like "//evil.example/x" must stay a path on our origin.
  return new Request(new URL(origin + (req.originalUrl.startsWith("/") ? req.originalUrl : `/${req.originalUrl}`)), {
    method: req.method,
    headers,
    body: hasBody ? lazyBody(req, maxBodyBytes, state) : undefined,
    // required by Node's fetch for a streamed body
    duplex: hasBody ? "half" : undefined,
  } as RequestInit);
}

/**
 * A stream that starts reading the socket on the first pull only
 * (highWaterMark 0), and errors past `maxBytes` — before any JSON parsing.
 */
function lazyBody(req: ExpressRequest, maxBytes: number, state: { tooLarge: boolean }): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Buffer> | undefined;
  let total = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (state.tooLarge) {
          controller.error(new Error("Request body is too large"));
          return;
        }
        iterator ??= (req as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
        const { value, done } = await iterator.next();
        if (done) {
          controller.close();
          return;
        }
        total += value.length;
        if (total > maxBytes) {
          state.tooLarge = true;
          controller.error(new Error("Request body is too large"));
          return;
        }
        controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      },
    },
    { highWaterMark: 0 },
  );
}

async function writeResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => {
    // CORS headers may already be set by the app (discovery paths): one value, not two
    if (name.toLowerCase().startsWith("access-control-")) res.setHeader(name, value);
    else res.append(name, value);
  });
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  res.end(body);
}
