// The fetcher the remote media cache uses (server/domain/media/remote-cache.ts):
// the same SSRF-guarded fetch as every other request to another server, with
// the cache's byte limit. Any Content-Type is let through: the cache decides
// what a file is from its bytes, as it does for uploads.
import type { RemoteMediaFetcher } from "../server/domain/context";
import { SafeFetchError, type SafeFetch } from "./safe-fetch";

export function remoteMediaFetcher(safeFetch: SafeFetch): RemoteMediaFetcher {
  return async (url, maxBytes) => {
    try {
      const res = await safeFetch(url, { accept: "image/*", contentTypes: () => true, maxBytes });
      if (!res.ok) return { ok: false, failure: "unavailable", message: `the remote server answered HTTP ${res.status}` };
      return { ok: true, bytes: res.body };
    } catch (err) {
      if (!(err instanceof SafeFetchError)) throw err;
      if (err.code === "too-large") return { ok: false, failure: "too-large", message: err.message };
      const refused = err.code === "private-address" || err.code === "blocked-domain" || err.code === "scheme" || err.code === "invalid-url";
      return { ok: false, failure: refused ? "refused" : "unavailable", message: err.message };
    }
  };
}
