// Signing the moderation log's head with the instance actor's RSA key, the one
// its ActivityPub document publishes (actor_keys row 0, RSASSA-PKCS1-v1_5). The
// domain reads the row itself (it must not import federation/); when the key does
// not exist yet it is created exactly as federation/keys.ts would (RSA-2048,
// e=65537, JWK with alg RS256), and the first one stored wins.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { actorKeys } from "../../db/schema";
import type { DbOrTx } from "../../db/open";

/** accountId of the instance actor in actor_keys (federation/keys.ts INSTANCE_ACTOR_KEY_ID). */
const INSTANCE_KEY_ACCOUNT = "0";
const RSA = "RSASSA-PKCS1-v1_5" as const;

async function readKey(db: DbOrTx) {
  const [row] = await db
    .select({ publicKey: actorKeys.publicKey, privateKey: actorKeys.privateKey })
    .from(actorKeys)
    .where(and(eq(actorKeys.accountId, INSTANCE_KEY_ACCOUNT), eq(actorKeys.algorithm, RSA)));
  return row ?? null;
}

async function instanceKey(db: DbOrTx): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  let row = await readKey(db);
  if (!row) {
    const pair = (await crypto.subtle.generateKey(
      { name: RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    await db
      .insert(actorKeys)
      .values({
        accountId: INSTANCE_KEY_ACCOUNT,
        algorithm: RSA,
        publicKey: await crypto.subtle.exportKey("jwk", pair.publicKey),
        privateKey: await crypto.subtle.exportKey("jwk", pair.privateKey),
      })
      .onConflictDoNothing();
    row = await readKey(db);
    if (!row) throw new Error("the instance key vanished");
  }
  return {
    publicKey: createPublicKey({ key: row.publicKey as import("node:crypto").JsonWebKey, format: "jwk" }),
    privateKey: createPrivateKey({ key: row.privateKey as import("node:crypto").JsonWebKey, format: "jwk" }),
  };
}

/** Base64 RSASSA-PKCS1-v1_5/SHA-256 signature of the ASCII hash text. */
export async function signHash(db: DbOrTx, hash: string): Promise<string> {
  const { privateKey } = await instanceKey(db);
  return sign("sha256", Buffer.from(hash, "ascii"), privateKey).toString("base64");
}

/** The instance actor's public key (PEM), or null when none exists yet. */
export async function instancePublicKeyPem(db: DbOrTx): Promise<string | null> {
  const row = await readKey(db);
  if (!row) return null;
  return createPublicKey({ key: row.publicKey as import("node:crypto").JsonWebKey, format: "jwk" })
    .export({ type: "spki", format: "pem" })
    .toString();
}

export type SignatureCheck = "valid" | "invalid" | "no_key";

export async function checkSignature(db: DbOrTx, hash: string, signature: string): Promise<SignatureCheck> {
  const row = await readKey(db);
  if (!row) return "no_key";
  const key = createPublicKey({ key: row.publicKey as import("node:crypto").JsonWebKey, format: "jwk" });
  try {
    return verify("sha256", Buffer.from(hash, "ascii"), key, Buffer.from(signature, "base64")) ? "valid" : "invalid";
  } catch {
    return "invalid";
  }
}
