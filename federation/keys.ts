// Key pairs of local actors: RSA-2048 (RSASSA-PKCS1-v1_5, what HTTP
// signatures use across the fediverse) and Ed25519 (object integrity proofs).
// Generated on first need, stored as JWK in actor_keys, cached in memory.
import { exportJwk, importJwk } from "@fedify/fedify";
import { and, eq } from "drizzle-orm";
import type { Db } from "../server/db/open";
import { actorKeys } from "../server/db/schema";

/** accountId of the instance actor, which is not an account row. */
export const INSTANCE_ACTOR_KEY_ID = "0";

export const KEY_ALGORITHMS = ["RSASSA-PKCS1-v1_5", "Ed25519"] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export interface KeyStore {
  /** RSA first, then Ed25519 (Fedify signs HTTP requests with the first RSA key). */
  getKeyPairs(accountId: string): Promise<CryptoKeyPair[]>;
  /** Forget a cached pair (tests; after a key rotation). */
  forget(accountId: string): void;
}

export function createKeyStore(db: Db): KeyStore {
  const cache = new Map<string, Promise<CryptoKeyPair[]>>();
  return {
    getKeyPairs(accountId) {
      let pending = cache.get(accountId);
      if (!pending) {
        pending = Promise.all(KEY_ALGORITHMS.map((algorithm) => loadOrCreate(db, accountId, algorithm)));
        cache.set(accountId, pending);
        // an error (database down) must not stay cached
        pending.catch(() => cache.delete(accountId));
      }
      return pending;
    },
    forget(accountId) {
      cache.delete(accountId);
    },
  };
}

async function loadOrCreate(db: Db, accountId: string, algorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
  const existing = await read(db, accountId, algorithm);
  if (existing) return existing;
  const pair = await generate(algorithm);
  await db
    .insert(actorKeys)
    .values({
      accountId,
      algorithm,
      publicKey: await exportJwk(pair.publicKey),
      privateKey: await exportJwk(pair.privateKey),
    })
    // two processes generating at once: the first one stored wins, both use it
    .onConflictDoNothing();
  const stored = await read(db, accountId, algorithm);
  if (!stored) throw new Error(`Key pair ${algorithm} of ${accountId} vanished`);
  return stored;
}

async function read(db: Db, accountId: string, algorithm: KeyAlgorithm): Promise<CryptoKeyPair | null> {
  const [row] = await db
    .select()
    .from(actorKeys)
    .where(and(eq(actorKeys.accountId, accountId), eq(actorKeys.algorithm, algorithm)));
  if (!row) return null;
  return {
    publicKey: await importJwk(row.publicKey, "public"),
    privateKey: await importJwk(row.privateKey, "private"),
  };
}

/** RSA-2048 rather than Fedify's 4096: what Mastodon uses, and four times cheaper to sign with. */
async function generate(algorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
  if (algorithm === "Ed25519") {
    return (await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as CryptoKeyPair;
  }
  return crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
}
