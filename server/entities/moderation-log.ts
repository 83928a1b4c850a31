// The public moderation log's entries: the JSON of GET /api/parvis/moderation_log
// and the ActivityPub OrderedCollection neighbouring instances read. A local
// resident's name (and anything that would let one guess it back from the content
// hash: the id and the nonce) is left out when the admin anonymises the log.
import type { LogEntryView, LogVerification } from "../domain/moderation";

/** JSON-LD namespace of Parvis' own terms (docs/federation.md). */
export const PARVIS_NS = "https://w3id.org/parvis/ns#";

export interface PublicLogEntry {
  id: string;
  created_at: string;
  action: string;
  actor_role: string;
  target: { type: string; id: string | null; label: string | null; local: boolean; anonymised: boolean };
  rules: { id: string; text: string | null }[];
  public_reason: string;
  /** null when the target is anonymised: with it, the content hash could be checked against every resident's id */
  nonce: string | null;
  content_hash: string;
  prev_hash: string;
  hash: string;
  signature: string;
}

/** Only people are anonymised: a resident's account or post, never a domain, a rule or a group. */
function isAnonymised(view: LogEntryView, anonymise: boolean): boolean {
  const { entry } = view;
  return anonymise && entry.targetLocal && (entry.targetType === "account" || entry.targetType === "status");
}

export function serializeLogEntry(view: LogEntryView, anonymise: boolean): PublicLogEntry {
  const { entry } = view;
  const hidden = isAnonymised(view, anonymise);
  return {
    id: String(entry.seq),
    created_at: entry.createdAt.toISOString(),
    action: entry.action,
    actor_role: entry.actorRole,
    target: {
      type: entry.targetType,
      id: hidden ? null : entry.targetId,
      label: hidden ? null : view.targetLabel,
      local: entry.targetLocal,
      anonymised: hidden,
    },
    rules: view.rules,
    public_reason: entry.publicReason,
    nonce: hidden ? null : entry.nonce,
    content_hash: entry.contentHash,
    prev_hash: entry.prevHash,
    hash: entry.hash,
    signature: entry.signature,
  };
}

export function serializeVerification(v: LogVerification, publicKeyPem: string | null) {
  return {
    ok: v.ok,
    entries: v.entries,
    head: v.head,
    first_broken: v.firstBroken,
    signature: v.signature,
    algorithm: "RSASSA-PKCS1-v1_5 SHA-256",
    public_key_pem: publicKeyPem,
  };
}

const CONTEXT = [
  "https://www.w3.org/ns/activitystreams",
  {
    parvis: PARVIS_NS,
    ModerationLogEntry: "parvis:ModerationLogEntry",
    action: "parvis:action",
    actor_role: "parvis:actorRole",
    target: "parvis:target",
    rules: "parvis:rules",
    public_reason: "parvis:publicReason",
    nonce: "parvis:nonce",
    content_hash: "parvis:contentHash",
    prev_hash: "parvis:prevHash",
    hash: "parvis:hash",
    signature: "parvis:signature",
    head: "parvis:head",
    verification: { "@id": "parvis:verification", "@type": "@id" },
  },
];

function apEntry(collectionUrl: string, e: PublicLogEntry) {
  const { id, created_at, ...rest } = e;
  return { id: `${collectionUrl}#entry-${id}`, type: "ModerationLogEntry", published: created_at, ...rest };
}

export function moderationLogCollection(
  collectionUrl: string,
  verifyUrl: string,
  totalItems: number,
  head: { seq: number; hash: string; signature: string } | null,
) {
  return {
    "@context": CONTEXT,
    id: collectionUrl,
    type: "OrderedCollection",
    totalItems,
    first: `${collectionUrl}?page=true`,
    head,
    verification: verifyUrl,
  };
}

/** A page, newest first; `next` continues below the last entry. */
export function moderationLogPage(collectionUrl: string, pageUrl: string, entries: PublicLogEntry[], nextMaxId: string | null) {
  return {
    "@context": CONTEXT,
    id: pageUrl,
    type: "OrderedCollectionPage",
    partOf: collectionUrl,
    orderedItems: entries.map((e) => apEntry(collectionUrl, e)),
    ...(nextMaxId ? { next: `${collectionUrl}?page=true&max_id=${nextMaxId}` } : {}),
  };
}
