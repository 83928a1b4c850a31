// Remote objects their origin deleted. A signed Delete evicts the object's
// document from the 5-minute document cache and leaves a mark for an hour, so
// that a search with resolve=true does not bring the post back from a copy
// cached under another URL (the document's own id is checked against the mark).
import { Temporal } from "@js-temporal/polyfill";
import type { KvStore } from "@fedify/fedify";
import type { RemoteTombstones } from "../server/domain/context";

const MARK = ["parvis", "deletedObject"] as const;
/** Fedify's kvCache key prefix (createDocumentLoaderFactory keeps the default) */
const DOCUMENT_CACHE = ["_fedify", "remoteDocument"] as const;
/** longer than any cached copy lives (5 minutes), so that none outlives its mark */
export const TOMBSTONE_TTL_MS = 3600_000;

export function remoteTombstones(kv: KvStore): RemoteTombstones {
  return {
    async remember(uri) {
      await kv.set([...MARK, uri], true, { ttl: Temporal.Duration.from({ milliseconds: TOMBSTONE_TTL_MS }) as never });
      await kv.delete([...DOCUMENT_CACHE, uri]);
    },
    async isDeleted(uri) {
      return (await kv.get([...MARK, uri])) != null;
    },
  };
}
