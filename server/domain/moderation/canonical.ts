// Canonical JSON of a moderation log entry, and the hashes chaining entries
// (docs/adr/0021-tamper-evident-moderation-log.md, docs/api.md "Moderation log").
//
// Canonical JSON here is RFC 8785 (JCS) restricted to the values an entry holds:
// objects with keys sorted by UTF-16 code units, no whitespace, strings escaped
// as ECMAScript's JSON.stringify does, integers only (no floats), booleans, null,
// arrays in their given order. The text is hashed as UTF-8.
import { createHash } from "node:crypto";

export type CanonicalValue = string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue };

export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    // floats have several spellings across languages: entries never need them
    if (!Number.isSafeInteger(value)) throw new TypeError("canonical JSON holds integers only");
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** prev_hash of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** An entry's hash: SHA-256 of the ASCII text `<prev_hash hex><content_hash hex>`. */
export function chainHash(prevHash: string, contentHash: string): string {
  return sha256Hex(prevHash + contentHash);
}

/** The fields of an entry that its content hash covers. */
export interface EntryContent {
  seq: number;
  createdAt: Date;
  action: string;
  targetType: string;
  targetId: string;
  targetLocal: boolean;
  ruleIds: string[];
  publicReason: string;
  actorRole: string;
  nonce: string;
}

/** The canonical content of an entry (version 1 of the format). */
export function entryContent(e: EntryContent): CanonicalValue {
  return {
    v: 1,
    seq: e.seq,
    created_at: e.createdAt.toISOString(),
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    target_local: e.targetLocal,
    rule_ids: [...e.ruleIds],
    public_reason: e.publicReason,
    actor_role: e.actorRole,
    nonce: e.nonce,
  };
}

export function contentHash(e: EntryContent): string {
  return sha256Hex(canonicalJson(entryContent(e)));
}
