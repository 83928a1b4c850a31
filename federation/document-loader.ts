// Fedify's document and context loaders, built on safe-fetch: every remote
// JSON-LD document Fedify reads (actors, keys, objects, contexts) comes
// through the same address, policy, size, Content-Type and nesting checks.
import {
  FetchError,
  kvCache,
  preloadedContexts,
  type AuthenticatedDocumentLoaderFactory,
  type DocumentLoader,
  type DocumentLoaderFactory,
  type KvStore,
  type RemoteDocument,
} from "@fedify/fedify";
import { signRequest } from "@fedify/fedify";
import { ACTIVITY_JSON_LIMITS, CONTEXT_JSON_LIMITS, describeJsonLimit, exceedsJsonLimits } from "../server/json-limits";
import { ACTIVITYPUB_ACCEPT, JSON_MAX_BYTES, SafeFetchError, type SafeFetch } from "./safe-fetch";

/** A key that signs outgoing GETs (the instance actor's, or a resident's). */
export interface SigningKey {
  keyId: URL;
  privateKey: CryptoKey;
}

export interface LoaderOptions {
  safeFetch: SafeFetch;
  /** where fetched documents are cached for a few minutes (Fedify's kvCache) */
  kv?: KvStore;
  /** checked before the cache too, so a newly blocked domain is not served from it */
  isHostAllowed?: (host: string) => boolean | Promise<boolean>;
  /** the instance actor's key, for servers that require signed fetches */
  signer?: () => Promise<SigningKey | null>;
}

const CONTEXT_ACCEPT = "application/ld+json, application/json";

/** A plain loader: preloaded contexts first, then a (signed) safe fetch. */
export function createDocumentLoader(
  options: Pick<LoaderOptions, "safeFetch" | "signer">,
  kind: "object" | "context",
): DocumentLoader {
  return async (url, loaderOptions) => {
    if (url in preloadedContexts) {
      // "static": the jsonld library may keep the context resolved and processed for
      // later expansions instead of processing it again for every document (a large
      // share of the CPU an incoming activity costs). Bundled contexts never change.
      return { contextUrl: null, document: preloadedContexts[url], documentUrl: url, tag: "static" } as RemoteDocument;
    }
    const key = kind === "object" ? await options.signer?.() : null;
    let response;
    try {
      response = await options.safeFetch(url, {
        accept: kind === "object" ? ACTIVITYPUB_ACCEPT : CONTEXT_ACCEPT,
        contentTypes: kind === "object" ? "activitypub" : "jsonld",
        maxBytes: JSON_MAX_BYTES,
        signal: loaderOptions?.signal,
        sign: key ? (request) => signRequest(request, key.privateKey, key.keyId) : undefined,
      });
    } catch (error) {
      throw toFetchError(url, error);
    }
    if (!response.ok) {
      // Fedify reads the status (410 Gone means a deleted actor or key).
      throw new FetchError(url, `HTTP ${response.status}: ${url}`, new Response(null, { status: response.status }));
    }
    let document: unknown;
    try {
      document = response.json();
    } catch (error) {
      throw new FetchError(url, `Invalid JSON from ${url}: ${(error as Error).message}`);
    }
    // JSON-LD expansion recurses into every level and visits every value: bounded before it runs
    const limits = kind === "object" ? ACTIVITY_JSON_LIMITS : CONTEXT_JSON_LIMITS;
    const exceeded = exceedsJsonLimits(document, limits);
    if (exceeded) throw new FetchError(url, `${describeJsonLimit(exceeded, limits)}: ${url}`);
    // documentUrl is where the bytes came from (after redirects), never the id the document claims.
    return { contextUrl: contextLink(response.headers.get("link")), document, documentUrl: response.url } satisfies RemoteDocument;
  };
}

/** Fedify's documentLoaderFactory / contextLoaderFactory: cached, policy-checked, safe. */
export function createDocumentLoaderFactory(options: LoaderOptions, kind: "object" | "context"): DocumentLoaderFactory {
  const loader = createDocumentLoader(options, kind);
  const cached = options.kv ? kvCache({ loader, kv: options.kv, prefix: ["_fedify", "remoteDocument"] }) : loader;
  const guarded = withPolicy(cached, options.isHostAllowed);
  // Fedify passes allowPrivateAddress/userAgent: ours come from our configuration, not from it.
  return () => guarded;
}

/** Loader for fetches signed by a given actor (Fedify's authenticatedDocumentLoaderFactory); never cached. */
export function createAuthenticatedDocumentLoaderFactory(options: LoaderOptions): AuthenticatedDocumentLoaderFactory {
  return (identity) =>
    withPolicy(
      createDocumentLoader({ safeFetch: options.safeFetch, signer: async () => identity }, "object"),
      options.isHostAllowed,
    );
}

function withPolicy(loader: DocumentLoader, isHostAllowed: LoaderOptions["isHostAllowed"]): DocumentLoader {
  if (!isHostAllowed) return loader;
  return async (url, loaderOptions) => {
    if (!(url in preloadedContexts)) {
      let host: string;
      try {
        host = new URL(url).host.toLowerCase();
      } catch {
        throw new FetchError(url, "Invalid URL");
      }
      if (!(await isHostAllowed(host))) throw new FetchError(url, `Federation with ${host} is not allowed`);
    }
    return loader(url, loaderOptions);
  };
}

function toFetchError(url: string, error: unknown): Error {
  if (error instanceof FetchError) return error;
  const e = new FetchError(url, error instanceof SafeFetchError ? `${error.code}: ${error.message}` : String(error));
  (e as Error).cause = error;
  return e;
}

/** The JSON-LD context given in a Link header (rel="http://www.w3.org/ns/json-ld#context"). */
function contextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = part.match(/<([^>]+)>(.*)/);
    if (m && /rel="?http:\/\/www\.w3\.org\/ns\/json-ld#context"?/.test(m[2])) return m[1];
  }
  return null;
}
