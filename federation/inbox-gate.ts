// Cost before trust: what an inbox POST must show before Fedify parses it.
// Fedify reads the whole object graph (JSON-LD expansion, vocabulary parsing)
// before it looks at the HTTP signature, and that work grows much faster than
// the body: a 188 KB chain of nested Announces blocked the process for 92 s.
// So a POST without any signature header is refused at once, and a body that
// is too deep or holds too many values is refused before anyone expands it.
import { ACTIVITY_JSON_LIMITS, describeJsonLimit, exceedsJsonLimits, type JsonLimits } from "../server/json-limits";
import { paths } from "../server/urls";
import { DEFAULT_MAX_BODY_BYTES } from "./express";

/** The shared inbox and the personal inboxes (paths.actor(…)/inbox). */
export const INBOX_PATH = new RegExp(`^(/inbox|${paths.actor("[^/]+")}/inbox)$`);

export function isInboxPost(request: Request): boolean {
  return request.method === "POST" && INBOX_PATH.test(new URL(request.url).pathname);
}

/** Draft-cavage (`Signature`) or RFC 9421 (`Signature-Input` with `Signature`). */
function hasSignatureHeader(request: Request): boolean {
  return request.headers.has("signature") || request.headers.has("signature-input");
}

/**
 * Null when the inbox POST may go on to Fedify (which verifies the signature
 * itself); otherwise the answer: 413 declared too large, 401 unsigned, 400 not
 * JSON or beyond the limits. A body over the limit without a declared length
 * (chunked) makes reading it fail: the adapter answers 413 (federation/express.ts).
 */
export async function gateInboxPost(
  request: Request,
  limits: JsonLimits = ACTIVITY_JSON_LIMITS,
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<Response | null> {
  if (!isInboxPost(request)) return null;
  if (Number(request.headers.get("content-length")) > maxBodyBytes) {
    return Response.json({ error: "Request body is too large" }, { status: 413 });
  }
  if (!hasSignatureHeader(request)) {
    return Response.json({ error: "Inbox requests must carry an HTTP signature" }, { status: 401 });
  }
  // a copy: Fedify reads the body again (and verifies its digest)
  const text = await request.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return Response.json({ error: "Malformed request body" }, { status: 400 });
  }
  const exceeded = exceedsJsonLimits(body, limits);
  if (exceeded) return Response.json({ error: describeJsonLimit(exceeded, limits) }, { status: 400 });
  return null;
}
