// Object integrity proofs (FEP-8b32, cryptosuite eddsa-jcs-2022) on activity
// JSON kept and passed on exactly as its author's server sent it: a remote
// member's post in one of our members-only groups (ADR 0024).
//
// A proof signs the JCS canonical form of the compact JSON-LD document, its
// `@context` included. Fedify adds one to everything it sends when an Ed25519
// key is among the sender's keys, but every Fedify object serialised again
// (`toJsonLd({ format: "compact" })`, which sendActivity does) loses the
// `@context` of embedded objects, and with it their proofs. So the signed
// activity is kept as received (receivedPayload), verified here as JSON
// (verifiedAuthorActivity), and the group's Announce around it is built as JSON
// and signed here too (withProof), then handed to Fedify's queue unchanged
// (outbox/group-send.ts forwardVerbatim).
import { FetchError, verifyProof, type Context, type InboxContext } from "@fedify/fedify";
import { Activity, Create, Update } from "@fedify/vocab";
import type { Services } from "../server/services";

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The activity's JSON as its sender POSTed it. Fedify keeps that payload on
 * the inbox context (for forwardActivity, which must not alter signatures or
 * proofs); it is not part of Fedify's typed surface, so it is read
 * defensively: null unless it is an object with the activity's id.
 */
export function receivedPayload(ctx: InboxContext<Services>, activity: Activity): JsonObject | null {
  const raw = (ctx as unknown as { activity?: unknown }).activity;
  if (!isJsonObject(raw) || !activity.id || raw.id !== activity.id.href) return null;
  return raw;
}

const noFetch = async (url: string) => {
  throw new FetchError(url, "not fetched: only the signed document is read");
};

/**
 * A Create or Update, as JSON, whose integrity proofs all verify with keys of
 * its own actor: each proof's key is on the actor's origin and names the
 * actor as its controller, and there is at least one. The activity's id is on
 * its actor's origin too. Returns the activity parsed from exactly the JSON
 * that was verified (so nothing else is believed), or null. A Linked Data
 * signature next to the proof (Fedify adds one after the proof) is left out
 * of what the proof covers, as the signer did.
 */
export async function verifiedAuthorActivity(ctx: Context<Services>, json: unknown): Promise<Create | Update | null> {
  // a document without its own @context parses as nothing, and proves nothing
  if (!isJsonObject(json) || json["@context"] == null || json.proof == null) return null;
  const { signature: _ldSignature, ...message } = json;
  let activity: Activity;
  try {
    activity = await Activity.fromJsonLd(message, { documentLoader: noFetch, contextLoader: ctx.contextLoader });
  } catch {
    return null;
  }
  if (!(activity instanceof Create || activity instanceof Update)) return null;
  const actorId = activity.actorId;
  if (!actorId || activity.actorIds.length !== 1 || !activity.id || activity.id.origin !== actorId.origin) return null;
  let proofs = 0;
  try {
    for await (const proof of activity.getProofs({ documentLoader: noFetch, contextLoader: ctx.contextLoader, suppressError: true })) {
      const keyId = proof.verificationMethodId;
      // a key published elsewhere could name any controller: only the actor's own server vouches for its keys
      if (!keyId || keyId.origin !== actorId.origin) return null;
      const key = await verifyProof(message, proof, { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader });
      if (!key || key.controllerId?.href !== actorId.href) return null;
      proofs++;
    }
  } catch {
    return null;
  }
  return proofs > 0 ? activity : null;
}

/**
 * The received payload of a Create or Update when its author's proof verifies
 * (verifiedAuthorActivity) and it is the very activity Fedify delivered (same
 * actor and object); null otherwise.
 */
export async function signedPayloadOf(ctx: InboxContext<Services>, activity: Activity): Promise<JsonObject | null> {
  const raw = receivedPayload(ctx, activity);
  if (!raw) return null;
  const verified = await verifiedAuthorActivity(ctx, raw);
  if (!verified || verified.actorId?.href !== activity.actorId?.href || verified.objectId?.href !== activity.objectId?.href) return null;
  return raw;
}

/** JSON Canonicalization Scheme (RFC 8785): sorted keys, ECMAScript number and string forms. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError("JCS: a number must be finite");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as JsonObject)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as JsonObject)[k])}`);
  return `{${entries.join(",")}}`;
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function base58btc(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = "";
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * `json` with a DataIntegrityProof (eddsa-jcs-2022) by `privateKey` (Ed25519),
 * computed as Fedify computes and verifies it: the signature covers
 * SHA-256(JCS(proof options with the document's @context)) followed by
 * SHA-256(JCS(document without proof)). `json` must carry its @context, with
 * the data-integrity context for the proof's terms. The creation time is kept
 * to whole seconds (verifiers canonicalise it again from the parsed instant).
 */
export async function withProof(json: JsonObject, privateKey: CryptoKey, keyId: URL, at = new Date()): Promise<JsonObject> {
  const { proof: _previous, ...document } = json;
  const created = new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z");
  const options = {
    type: "DataIntegrityProof",
    cryptosuite: "eddsa-jcs-2022",
    verificationMethod: keyId.href,
    proofPurpose: "assertionMethod",
    created,
  };
  const [optionsHash, documentHash] = await Promise.all([sha256(canonicalJson({ "@context": document["@context"], ...options })), sha256(canonicalJson(document))]);
  const data = new Uint8Array(optionsHash.length + documentHash.length);
  data.set(optionsHash, 0);
  data.set(documentHash, optionsHash.length);
  const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", privateKey, data));
  return { ...document, proof: { ...options, proofValue: `z${base58btc(signature)}` } };
}
